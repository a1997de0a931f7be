"""Snowball stemmers per locale, so 'tantrums' matches a 'tantrum' keyword."""

from __future__ import annotations

from functools import cache

import snowballstemmer

from bot.domain.text import Stemmer

_ALGORITHMS = {
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "it": "italian",
    "sv": "swedish",
    "nb": "norwegian",
    "nn": "norwegian",
    "ar": "arabic",
}


@cache
def stemmer_for(locale: str) -> Stemmer:
    """Return a word stemmer for a locale, or identity where Snowball has none."""
    algorithm = _ALGORITHMS.get(locale.split("_", maxsplit=1)[0])
    if algorithm is None:
        return _identity
    engine = snowballstemmer.stemmer(algorithm)
    return engine.stemWord


def _identity(word: str) -> str:
    return word
