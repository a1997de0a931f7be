"""Normalise and tokenise carers' words so that rules compare like with like."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable

from bot.domain.model import Tone

Stemmer = Callable[[str], str]

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


def normalise(text: str) -> str:
    """Fold case, strip accents and unify apostrophes so 'Niño' and 'nino' compare equal."""
    folded = unicodedata.normalize("NFKD", text.casefold().replace("\u2019", "'"))
    return "".join(char for char in folded if not unicodedata.combining(char))


def tokenise(text: str) -> list[str]:
    """Split normalised text into words."""
    return _WORD.findall(normalise(text))


def stems(words: Iterable[str], stem: Stemmer) -> frozenset[str]:
    """Return the set of stems of some words."""
    return frozenset(stem(word) for word in words)


def detect_tone(
    reflection_stems: Collection[str],
    *,
    struggle_cues: Collection[str],
    positive_cues: Collection[str],
) -> Tone:
    """Decide whether a reflection reads mainly as a struggle or as something that went well."""
    struggle = sum(1 for stem in reflection_stems if stem in struggle_cues)
    positive = sum(1 for stem in reflection_stems if stem in positive_cues)
    if struggle > positive:
        return Tone.STRUGGLE
    if positive > struggle:
        return Tone.POSITIVE
    return Tone.NEUTRAL
