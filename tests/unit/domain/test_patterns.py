"""The pattern language: lemmas across tenses, wildcards, phrases, classes, gaps and masks."""

from __future__ import annotations

import pytest

from bot.domain.patterns import PatternError, TriggerIndex, sentence_keys
from tests.unit.domain.words import normaliser, pattern


def _found(source: str, text: str, locale: str = "en", **classes: list[str]) -> bool:
    compiled = {
        name: tuple(pattern(m, locale) for m in members) for name, members in classes.items()
    }
    words = normaliser(locale)
    return any(pattern(source, locale, compiled).found_in(s) for s in words.sentences(text))


@pytest.mark.parametrize(
    "text", ["her uncle touches her", "her uncle touched her", "her uncle is touching her"]
)
def test_english_tenses_reach_one_lemma(text: str) -> None:
    """touches / touched / is touching all match 'touch'."""
    assert _found("uncle ..2 touch ..1 her", text)


@pytest.mark.parametrize(
    "text", ["se corta", "se está cortando", "se cortó los brazos", "se ha cortado otra vez"]
)
def test_spanish_tenses_and_reflexives_reach_one_lemma(text: str) -> None:
    """se corta / se está cortando / se cortó reach 'cortar'."""
    assert _found("se ..2 cortar", text, "es")


def test_prefix_exact_alternatives_phrases_and_optional_terms() -> None:
    """Each operator matches what the docs say, and nothing more."""
    assert _found("suicid*", "she talked about suicide")
    assert not _found("=arma", "lo guardó en el armario", "es")
    assert _found("=arma", "tenía un arma", "es")
    assert _found("knife|gun", "he had a gun")
    assert _found("go_home|left", "he wants to go home")
    assert not _found("go_home|left", "go to the home")
    assert _found("[really] upset", "upset")
    assert _found("[really] upset", "really upset")


def test_gaps_are_bounded() -> None:
    """'..2' allows at most two words between the terms."""
    assert _found("want ..2 die", "he wants to die")
    assert _found("want ..2 die", "he wants to just die")
    assert not _found("want ..2 die", "he wants to go and see the die")


def test_classes_hold_phrases() -> None:
    """A class member may be several words."""
    assert _found("@adult ..3 hit", "mum's boyfriend hit him", adult=["mum boyfriend", "uncle"])
    assert not _found("@adult ..3 hit", "his brother hit him", adult=["mum boyfriend", "uncle"])


def test_a_match_starts_on_a_class_members_own_first_word() -> None:
    """The quick start test uses each member's first word, not its rarest (here 'off')."""
    assert _found("@missing", "and her phone is off", missing=["phone|mobile|tablet|ipad ..1 off"])
    members = ["[mobile] phone switched off", "=not back"]
    assert _found("@missing", "her mobile phone switched off", missing=members)
    assert _found("still @missing", "still not back", missing=members)
    assert not _found("still @missing", "still phone is off", missing=["=not back"])
    assert pattern("[really] upset").head is None  # may start on either word
    assert pattern("phone ..1 off").head is not None


def test_the_trigger_index_offers_every_group_that_matches_and_skips_the_rest() -> None:
    """Groups are filed by their rarest keys: all that match are candidates, absent ones not."""
    groups = [
        (pattern("uncle ..2 touch"),),
        (pattern("want ..2 die"), pattern("suicid*")),
        (pattern("[really] upset"),),  # optional first word: still has a required one
        (pattern("knife|gun"),),
    ]
    index = TriggerIndex(groups)
    for text in ("her uncle touched her", "he talked about suicide", "so upset", "nothing here"):
        (sentence,) = normaliser("en").sentences(text)
        keys = sentence_keys(sentence)
        found = [any(p.found_in(sentence) for p in group) for group in groups]
        matching = {i for i, hit in enumerate(found) if hit}
        assert matching <= index.candidates(keys)
        assert 3 not in index.candidates(keys)  # no knife or gun in any of them
    (sentence,) = normaliser("en").sentences("he talked about suicide")
    assert index.candidates(sentence_keys(sentence)) == {1}


def test_masked_tokens_are_not_matched() -> None:
    """A look-alike's words are unavailable to rules."""
    (sentence,) = normaliser("en").sentences("she cut her fringe")
    assert pattern("cut").found_in(sentence)
    assert not pattern("cut").found_in(sentence, masked=frozenset({1}))


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("!!!", "no word that can match"),
        ("@nobody", "unknown class"),
        ("[maybe]", "at least one required word"),
        ("want ..", "gap must sit between"),
        ("want ..40 die", "from 1 to 12"),
    ],
)
def test_patterns_that_cannot_match_are_refused(source: str, problem: str) -> None:
    """Content errors surface when rules are compiled, never as silent non-matches."""
    with pytest.raises(PatternError, match=problem):
        pattern(source)
