"""Suggestion ranking: pick the pack suggestion that best fits what the carer wrote."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.domain.model import AgeBand, Role, Tone
from bot.domain.patterns import Pattern
from bot.domain.rotation import Audience, stable_rank
from bot.domain.text import Token

KEYWORD_WEIGHT = 3.0
SIMILARITY_WEIGHT = 100.0
# A struggle needs a suggestion written for struggles; a good moment suits any but those.
STRUGGLE_MATCH = 4.0
POSITIVE_MATCH = 0.5
TONE_CLASH = -8.0
AUDIENCE_WEIGHT = 1.0


@dataclass(frozen=True)
class SuggestionFacts:
    """What ranking needs to know about one suggestion."""

    id: str
    keywords: tuple[Pattern, ...]
    tone: Tone | None  # None: fits any tone
    audience: Audience


@dataclass(frozen=True)
class Reading:
    """What ranking needs to know about one reflection and its author."""

    sentences: Sequence[Sequence[Token]]
    tone: Tone
    age_band: AgeBand
    role: Role
    similarity: Mapping[str, float] = field(default_factory=dict)  # suggestion id -> cosine


def keyword_hits(facts: SuggestionFacts, sentences: Sequence[Sequence[Token]]) -> int:
    """Count the suggestion's keyword phrases that occur in the reflection."""
    return sum(
        1 for pattern in facts.keywords if any(pattern.found_in(tokens) for tokens in sentences)
    )


def tone_points(suggestion_tone: Tone | None, reading_tone: Tone) -> float:
    """Reward a suggestion written for the reflection's tone; punish one written for the other."""
    if suggestion_tone is None or reading_tone is Tone.NEUTRAL:
        return 0.0
    if suggestion_tone is not reading_tone:
        return TONE_CLASH
    return STRUGGLE_MATCH if reading_tone is Tone.STRUGGLE else POSITIVE_MATCH


def score(facts: SuggestionFacts, reading: Reading, mean_similarity: float = 0.0) -> float:
    """Score one suggestion: keywords and meaning, then tone, then a targeted audience."""
    points = KEYWORD_WEIGHT * keyword_hits(facts, reading.sentences)
    if facts.id in reading.similarity:
        points += SIMILARITY_WEIGHT * (reading.similarity[facts.id] - mean_similarity)
    points += tone_points(facts.tone, reading.tone)
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
    sims = [reading.similarity[f.id] for f in suitable if f.id in reading.similarity]
    mean = sum(sims) / len(sims) if sims else 0.0
    scored = {facts.id: score(facts, reading, mean) for facts in suitable}
    return sorted(
        suitable,
        key=lambda facts: (
            -round(scored[facts.id], 1),
            given_counts.get(facts.id, 0),
            stable_rank(salt, facts.id),
        ),
    )
