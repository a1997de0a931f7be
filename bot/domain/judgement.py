"""The decisions that combine rule matches with sentence-model scores: risk, dimension, tone."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

from bot.domain.model import Dimension, RiskLevel, Strength, Tone
from bot.domain.patterns import Pattern, TriggerIndex, sentence_keys
from bot.domain.risk import RiskFinding
from bot.domain.text import Token

SEMANTIC_SOURCE = "semantic"
# A dimension must beat the prompt's by this much before the text overrides the prompt.
DIMENSION_OVERRIDE_MARGIN = 4.0
TONE_THRESHOLD = 0.5
NEGATION_REACH = 3
CONTRAST_AFTER, CONTRAST_BEFORE = 1.5, 0.6
INTENSIFIED = 1.5


@dataclass(frozen=True)
class NetThresholds:
    """How sure the net must be: about the whole text, or (higher) about one sentence."""

    text: float
    sentence: float


def semantic_risk(
    text_probabilities: Mapping[str, float] | None,
    sentence_probabilities: Sequence[Mapping[str, float]],
    thresholds: NetThresholds,
) -> RiskFinding | None:
    """Return an unsure flag when the whole text, or one sentence alone, reads as a concern."""
    readings = [(text_probabilities, thresholds.text)] if text_probabilities else []
    readings += [(p, thresholds.sentence) for p in sentence_probabilities]
    best: tuple[float, RiskLevel] | None = None
    for probabilities, threshold in readings:
        level = max(RiskLevel, key=lambda lvl: probabilities[lvl.value])
        lead = probabilities[level.value] - threshold
        if lead >= 0 and (best is None or lead > best[0]):
            best = (lead, level)
    return RiskFinding(best[1], Strength.NOTE, SEMANTIC_SOURCE) if best else None


def doubted(
    findings: Sequence[RiskFinding], safe: Sequence[float], doubt: float
) -> list[RiskFinding]:
    """Make sure disclosure and distress flags unsure when every reading of the net says safe.

    A rule that fires on words the net reads as an everyday text (a game, a lesson, a figure
    of speech no look-alike lists) keeps its flag as a note. Danger is never doubted.
    """
    if not safe or min(safe) < doubt:
        return list(findings)
    return [
        replace(finding, strength=Strength.NOTE)
        if finding.level is not RiskLevel.DANGER
        else finding
        for finding in findings
    ]


class DimensionLexicon(Mapping[Dimension, tuple[Pattern, ...]]):
    """Each dimension's phrases, with one trigger index over all of them."""

    def __init__(self, phrases: Mapping[Dimension, Sequence[Pattern]]) -> None:
        """Keep the phrases per dimension and file them all by their trigger keys."""
        self._phrases = {dimension: tuple(found) for dimension, found in phrases.items()}
        self._entries = [(d, pattern) for d, found in self._phrases.items() for pattern in found]
        self._index = TriggerIndex([(pattern,) for _d, pattern in self._entries])

    def __getitem__(self, dimension: Dimension) -> tuple[Pattern, ...]:
        """Return one dimension's phrases."""
        return self._phrases[dimension]

    def __iter__(self) -> Iterator[Dimension]:
        """Name the dimensions that have phrases."""
        return iter(self._phrases)

    def __len__(self) -> int:
        """Count the dimensions that have phrases."""
        return len(self._phrases)

    def points(self, sentences: Sequence[Sequence[Token]]) -> dict[Dimension, float]:
        """One point per phrase found in any sentence, per dimension."""
        found: set[int] = set()
        for sentence in sentences:
            keys = sentence_keys(sentence)
            found.update(
                position
                for position in self._index.candidates(keys) - found
                if self._entries[position][1].found_in(sentence, keys=keys)
            )
        points = dict.fromkeys(Dimension, 0.0)
        for position in found:
            points[self._entries[position][0]] += 1.0
        return points


def dimension_scores(
    sentences: Sequence[Sequence[Token]],
    lexicon: DimensionLexicon,
    semantic: Mapping[str, float] | None,
    weight: float,
) -> dict[Dimension, float]:
    """Score each dimension: one point per lexicon phrase found, plus the net's probability."""
    points = lexicon.points(sentences)
    return {
        dimension: points[dimension] + (weight * semantic[dimension.value] if semantic else 0.0)
        for dimension in Dimension
    }


def choose_dimension(
    scores: Mapping[Dimension, float], prompt: Dimension | None
) -> tuple[Dimension, bool]:
    """Return the dimension to answer in, and whether the text (not the prompt) chose it."""
    best = max(Dimension, key=lambda dimension: scores[dimension])
    if prompt is None:
        return best, True
    if scores[best] - scores[prompt] >= DIMENSION_OVERRIDE_MARGIN:
        return best, True
    return prompt, False


@dataclass(frozen=True)
class ToneLexicon:
    """Patterns for each polarity, and the cues that flip, strengthen or reweight them."""

    struggle: tuple[Pattern, ...]
    positive: tuple[Pattern, ...]
    negators: tuple[Pattern, ...]
    intensifiers: tuple[Pattern, ...] = ()
    contrast: tuple[Pattern, ...] = ()

    @cached_property
    def polarities(self) -> tuple[tuple[float, tuple[Pattern, ...], TriggerIndex], ...]:
        """Each polarity's sign, patterns and trigger index (built on first use)."""
        return tuple(
            (sign, patterns, TriggerIndex([(pattern,) for pattern in patterns]))
            for sign, patterns in ((-1.0, self.struggle), (1.0, self.positive))
        )


def tone_lean(sentences: Sequence[Sequence[Token]], lexicon: ToneLexicon) -> float:
    """Return how far the words lean to positive (> 0) or struggle (< 0), negation included."""
    total = 0.0
    for sentence in sentences:
        pivot = _first_end(sentence, lexicon.contrast)
        keys = sentence_keys(sentence)
        for polarity, patterns, index in lexicon.polarities:
            for position in sorted(index.candidates(keys)):  # the lexicon's order, as written
                for start, _end in patterns[position].spans(sentence, keys=keys):
                    total += polarity * _weight(sentence, start, pivot, lexicon)
    return total


def _weight(
    sentence: Sequence[Token], start: int, pivot: int | None, lexicon: ToneLexicon
) -> float:
    """Flip after a negator, strengthen after an intensifier, favour the clause after 'but'."""
    weight = 1.0
    before = sentence[max(0, start - NEGATION_REACH) : start]
    if any(pattern.found_in(before) for pattern in lexicon.negators):
        weight = -weight
    if start and any(
        pattern.found_in(sentence[start - 1 : start]) for pattern in lexicon.intensifiers
    ):
        weight *= INTENSIFIED
    if pivot is not None:
        weight *= CONTRAST_AFTER if start >= pivot else CONTRAST_BEFORE
    return weight


def _first_end(sentence: Sequence[Token], patterns: Sequence[Pattern]) -> int | None:
    ends = [end for pattern in patterns for _start, end in pattern.spans(sentence)]
    return min(ends) if ends else None


def decide_tone(lean: float, semantic: Mapping[str, float] | None, weight: float) -> Tone:
    """Combine the words' lean with the net's, then call it struggle, positive or neutral."""
    if semantic:
        lean += weight * (semantic[Tone.POSITIVE.value] - semantic[Tone.STRUGGLE.value])
    if lean <= -TONE_THRESHOLD:
        return Tone.STRUGGLE
    if lean >= TONE_THRESHOLD:
        return Tone.POSITIVE
    return Tone.NEUTRAL
