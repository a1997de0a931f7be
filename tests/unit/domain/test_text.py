"""Normalisation: phone spellings, contractions, repeated letters, accents and emoji."""

from __future__ import annotations

import pytest

from bot.domain.text import Normaliser, acknowledgement_words, only_acknowledges
from tests.unit.domain.words import normaliser


def _surfaces(words: Normaliser, text: str) -> list[list[str]]:
    return [[token.surface for token in sentence] for sentence in words.sentences(text)]


def test_contractions_expand_with_and_without_apostrophes() -> None:
    """'isnt', "isn't" and 'is not' all read the same; curly apostrophes too."""
    words = normaliser("en")
    expected = [["baby", "is", "not", "breathing"]]
    assert _surfaces(words, "baby isnt breathing") == expected
    assert _surfaces(words, "baby isn't breathing") == expected
    assert _surfaces(words, "Baby isn\u2019t breathing") == expected
    assert _surfaces(words, "he didn't come home") == [["he", "did", "not", "come", "home"]]
    assert _surfaces(words, "she's cutting") == [["she", "cutting"]]


def test_repeated_letters_shrink_to_a_known_spelling() -> None:
    """'sooo' is 'so', 'goood' is 'good', 'noooo' is 'no'."""
    words = normaliser("en")
    assert _surfaces(words, "sooo goood, noooo") == [["so", "good", "no"]]


def test_accents_fold_but_lemmas_use_them() -> None:
    """'NIÑO' folds to 'nino'; 'tocó' still lemmatises to 'tocar'."""
    words = normaliser("es")
    (sentence,) = words.sentences("El NIÑO tocó")
    assert [token.surface for token in sentence] == ["el", "nino", "toco"]
    assert "tocar" in sentence[2].forms


def test_sentences_split_on_punctuation_and_lines_and_keep_emoji() -> None:
    """Each sentence is judged on its own; emoji survive as tokens."""
    words = normaliser("en")
    assert _surfaces(words, "Lovely day!\nthen bedtime... 😭") == [
        ["lovely", "day"],
        ["then", "bedtime"],
        ["😭"],
    ]
    assert words.sentences("!!! ...") == []


def test_a_misspelling_reaches_the_word_it_meant() -> None:
    """An unknown word one edit from a vocabulary word also carries that word."""
    base = normaliser("en")
    words = Normaliser(
        lemmatise=base.lemmatise,
        stem=base.stem,
        known=base.known,
        correct=lambda word: "suicidal" if word == "sucidal" else None,
    )
    (sentence,) = words.sentences("sucidal thoughts")
    assert "suicidal" in sentence[0].forms
    (known,) = words.sentences("cute")
    assert known[0].forms == {"cute"}


ACKNOWLEDGEMENTS = frozenset(
    acknowledgement_words(phrase) for phrase in ("ok", "thanks", "thank you", "👍", "谢谢")
)


@pytest.mark.parametrize(
    "text", ["ok", "Thanks!", "thanksss", "ok thank you 👍🏽", "OK. Thanks.", "👍👍", "谢谢"]
)
def test_a_text_made_only_of_listed_acknowledgements_only_acknowledges(text: str) -> None:
    """Case, punctuation, repeated letters, skin tones and runs of phrases change nothing."""
    assert only_acknowledges(text, ACKNOWLEDGEMENTS)


@pytest.mark.parametrize(
    "text", ["ok so bedtime was hard", "thanks for nothing", "you", "", "!!!", "ok " * 9]
)
def test_any_other_word_makes_a_reflection(text: str) -> None:
    """One word not listed, no word at all, or a long run: not a bare acknowledgement."""
    assert not only_acknowledges(text, ACKNOWLEDGEMENTS)
