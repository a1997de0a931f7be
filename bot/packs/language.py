"""Per-locale word tools from well-kept libraries: simplemma lemmas, Snowball stems, RapidFuzz."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, lru_cache
from types import ModuleType

from bot.domain.text import Corrector, KnownWord, Lemmatiser, Stemmer

_SNOWBALL = {
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "it": "italian",
    "sv": "swedish",
    "nb": "norwegian",
    "nn": "norwegian",
    "ar": "arabic",
}
# simplemma ships dictionaries for these (among 54 languages); others keep words as written.
# Its low-memory backend reads the compressed stream in place: ten locales' dictionaries take
# tens of MB instead of hundreds, and every word is looked up once (the caches below).
_LOW_MEMORY = True
_SIMPLEMMA = frozenset({"en", "es", "fr", "it", "sv", "nb", "nn", "uk", "el", "cs", "fa", "ar"})
_LONG_WORD = 8
# Languages whose dictionaries a lookup has opened (start-up should open none: words.tsv).
_OPENED: set[str] = set()


def _language(locale: str) -> str:
    return locale.split("_", maxsplit=1)[0]


@cache
def stemmer_for(locale: str) -> Stemmer:
    """Return a word stemmer for a locale (PyStemmer's C code when installed), else identity."""
    algorithm = _SNOWBALL.get(_language(locale))
    if algorithm is None:
        return str
    import snowballstemmer  # noqa: PLC0415 - stems are needed once a locale compiles, after start

    return lru_cache(maxsize=65536)(snowballstemmer.stemmer(algorithm).stemWord)


@cache
def lemmatiser_for(locale: str) -> Lemmatiser:
    """Return a dictionary lemmatiser ('touches' -> 'touch', 'cortó' -> 'cortar')."""
    language = _language(locale)
    if language not in _SIMPLEMMA:
        return str

    @lru_cache(maxsize=65536)
    def lemmatise(word: str) -> str:
        return str(_simplemma(language).lemmatize(word, lang=language, low_memory=_LOW_MEMORY))

    return lemmatise


@cache
def known_word_for(locale: str) -> KnownWord:
    """Tell whether the locale's dictionary knows a word, so typos can be told from words."""
    language = _language(locale)
    if language not in _SIMPLEMMA:
        return lambda _word: True

    @lru_cache(maxsize=65536)
    def known(word: str) -> bool:
        return bool(_simplemma(language).is_known(word, lang=language, low_memory=_LOW_MEMORY))

    return known


def _simplemma(language: str) -> ModuleType:
    """Import simplemma on the first word words.tsv could not answer, and note the language."""
    import simplemma  # noqa: PLC0415 - start-up answers every word from words.tsv

    _OPENED.add(language)
    return simplemma


def opened_dictionaries() -> frozenset[str]:
    """Return the languages whose simplemma dictionaries this process has looked words up in."""
    return frozenset(_OPENED)


def corrector_for(vocabulary: Iterable[str]) -> Corrector:
    """Map a misspelt word to the rule vocabulary word one edit away (two for long words)."""
    from rapidfuzz import process  # noqa: PLC0415 - a locale's rules compile after start-up
    from rapidfuzz.distance import DamerauLevenshtein  # noqa: PLC0415 - as above

    words = sorted({word for word in vocabulary if len(word) >= 4 and word.isalpha()})
    by_initial: dict[str, list[str]] = {}
    for word in words:
        by_initial.setdefault(word[0], []).append(word)

    @lru_cache(maxsize=65536)
    def correct(word: str) -> str | None:
        # Typos rarely hit the first letter; keeping it also keeps the search small.
        choices = by_initial.get(word[:1], [])
        limit = 2 if len(word) >= _LONG_WORD else 1
        best = process.extractOne(
            word, choices, scorer=DamerauLevenshtein.distance, score_cutoff=limit
        )
        return str(best[0]) if best else None

    return correct
