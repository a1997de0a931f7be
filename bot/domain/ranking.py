"""Suggestion ranking: pick the pack suggestion that best fits what the carer wrote."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.domain.model import AgeBand, Role, Tone
from bot.domain.rotation import Audience, stable_rank

KEYWORD_WEIGHT = 3
TONE_WEIGHT = 2
AUDIENCE_WEIGHT = 1


@dataclass(frozen=True)
class SuggestionFacts:
    """What ranking needs to know about one suggestion."""

    id: str
    keyword_stems: frozenset[str]
    tone: Tone | None  # None: fits any tone
    audience: Audience


@dataclass(frozen=True)
class Reading:
    """What ranking needs to know about one reflection and its author."""

    stems: frozenset[str]
    tone: Tone
    age_band: AgeBand
    role: Role


def score(facts: SuggestionFacts, reading: Reading) -> int:
    """Score one suggestion: keyword overlap first, then tone, then a targeted audience."""
    points = KEYWORD_WEIGHT * len(facts.keyword_stems & reading.stems)
    if facts.tone is not None and reading.tone is not Tone.NEUTRAL:
        points += TONE_WEIGHT if facts.tone is reading.tone else -TONE_WEIGHT
    if reading.age_band in facts.audience.age_bands:
        points += AUDIENCE_WEIGHT
    if reading.role in facts.audience.roles:
        points += AUDIENCE_WEIGHT
    return points


def rank_suggestions(
    candidates: Sequence[SuggestionFacts],
    reading: Reading,
    *,
    last_given: str | None,
    given_counts: Mapping[str, int],
    salt: str,
) -> list[SuggestionFacts]:
    """Order suitable suggestions best first, never starting with the one given last time."""
    suitable = [
        facts
        for facts in candidates
        if facts.audience.suits(age_band=reading.age_band, role=reading.role)
    ]
    if len(suitable) > 1:
        suitable = [facts for facts in suitable if facts.id != last_given]
    return sorted(
        suitable,
        key=lambda facts: (
            -score(facts, reading),
            given_counts.get(facts.id, 0),
            stable_rank(salt, facts.id),
        ),
    )
