"""The saved word lookups: same answers as the dictionaries, stale when content needs more."""

from __future__ import annotations

from pathlib import Path

from bot.packs.language import known_word_for, lemmatiser_for
from bot.packs.wordbook import WordBook

WORDS = ("touches", "cortó", "runing", "sleeping")


def _look_up_all(book: WordBook) -> list[tuple[str, bool]]:
    locale = {"cortó": "es"}
    return [
        (
            book.lemmatiser(locale.get(word, "en"))(word),
            book.known_word(locale.get(word, "en"))(word),
        )
        for word in WORDS
    ]


def _dictionary_answers() -> list[tuple[str, bool]]:
    locale = {"cortó": "es"}
    return [
        (lemmatiser_for(locale.get(w, "en"))(w), known_word_for(locale.get(w, "en"))(w))
        for w in WORDS
    ]


def test_a_saved_book_answers_as_the_dictionaries_do(tmp_path: Path) -> None:
    """A first load misses every word; after saving, a new load finds them all, same answers."""
    path = tmp_path / "words.tsv"
    first = WordBook(path)
    assert _look_up_all(first) == _dictionary_answers()
    assert first.missing == 2 * len(WORDS) and not first.is_current()
    assert first.save() == 2 * len(WORDS)

    second = WordBook(path)
    assert _look_up_all(second) == _dictionary_answers()
    assert second.missing == 0 and second.is_current()


def test_words_a_carer_writes_after_the_load_are_neither_counted_nor_saved(
    tmp_path: Path,
) -> None:
    """After the load, a carer's word is looked up in the dictionary but never written out."""
    path = tmp_path / "words.tsv"
    book = WordBook(path)
    book.lemmatiser("en")("touches")
    book.stop_recording()
    assert book.lemmatiser("en")("walked") == lemmatiser_for("en")("walked")
    assert book.missing == 1
    book.save()
    assert "walked" not in path.read_text(encoding="utf-8")


def test_a_book_from_another_dictionary_version_is_ignored(tmp_path: Path) -> None:
    """Answers saved by another simplemma are looked up again, so the file reads as stale."""
    path = tmp_path / "words.tsv"
    book = WordBook(path)
    _look_up_all(book)
    book.save()
    _header, _, body = path.read_text(encoding="utf-8").partition("\n")
    path.write_text("# simplemma 0.0.1: an older dictionary\n" + body, encoding="utf-8")
    assert _look_up_all(WordBook(path)) == _dictionary_answers()
    stale = WordBook(path)
    _look_up_all(stale)
    assert not stale.is_current()


def test_an_agency_book_holds_only_what_the_shipped_one_lacks(tmp_path: Path) -> None:
    """Layered over the shipped file, the agency's file adds its own words and nothing else."""
    shipped = tmp_path / "shipped.tsv"
    base = WordBook(shipped)
    base.lemmatiser("en")("touches")
    base.save()
    agency = WordBook(tmp_path / "agency.tsv", base=shipped)
    agency.lemmatiser("en")("touches")
    agency.lemmatiser("en")("hurting")
    assert agency.missing == 1
    assert agency.save() == 1
    assert WordBook(tmp_path / "agency.tsv", base=shipped).lemmatiser("en")("hurting") == "hurt"
