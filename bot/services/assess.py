"""Judge a reflection (risk, dimension, tone) and choose the reply: signpost, or suggestion."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.domain.judgement import (
    NetThresholds,
    choose_dimension,
    decide_tone,
    dimension_scores,
    doubted,
    semantic_risk,
    tone_lean,
)
from bot.domain.model import (
    DEFAULT_AGE_BAND,
    DEFAULT_ROLE,
    AgeBand,
    Dimension,
    Role,
    Strength,
    Tone,
)
from bot.domain.ranking import Reading, rank_suggestions
from bot.domain.risk import RiskFinding, find_risks, strongest
from bot.domain.text import Token
from bot.packs.judgement import SAFE_LABEL
from bot.packs.registry import ContentRegistry
from bot.services.views import Assessment

if TYPE_CHECKING:  # numpy loads with the first judgement, not at start-up
    from bot.packs.semantic import Vectors


@dataclass(frozen=True)
class Judgement:
    """What the engine concluded about one text, before a suggestion is picked."""

    sentences: Sequence[Sequence[Token]]
    risk: RiskFinding | None
    dimension: Dimension
    inferred: bool
    tone: Tone
    suggestion_similarity: Mapping[str, float]


class SuggestionEngine:
    """Run the pipeline: normalise, lemmatise, rules, semantic net, decide, rank."""

    def __init__(self, content: ContentRegistry) -> None:
        """Use one loaded content registry."""
        self._content = content

    def judge(self, text: str, *, locale: str, prompt_dimension: Dimension | None) -> Judgement:
        """Read the text once and decide risk, dimension and tone."""
        judgement = self._content.judgement[locale]
        indexes = self._content.semantic[locale]
        pieces = judgement.normaliser.split(text)
        sentences = [tokens for _piece, tokens in pieces]
        vectors = self._content.model.embed([piece for piece, _tokens in pieces])
        whole = _mean_direction(vectors)
        text_risk = indexes.risk.probabilities(whole)[0] if len(whole) else None
        sentence_risk = indexes.risk.probabilities(vectors)
        safe = [p[SAFE_LABEL] for p in ([text_risk] if text_risk else []) + sentence_risk]
        rules = doubted(
            find_risks(sentences, judgement.risk), safe, judgement.semantic.doubt_probability
        )
        net = semantic_risk(
            text_risk,
            sentence_risk,
            NetThresholds(
                judgement.semantic.risk_probability, judgement.semantic.sentence_probability
            ),
        )
        risk = strongest([*rules, *([net] if net else [])])
        dimension_net = indexes.dimension.probabilities(whole)[0] if len(whole) else None
        tone_net = indexes.tone.probabilities(whole)[0] if len(whole) else None
        scores = dimension_scores(
            sentences,
            judgement.dimensions,
            dimension_net,
            judgement.semantic.dimension_weight,
        )
        dimension, inferred = choose_dimension(scores, prompt_dimension)
        tone = decide_tone(
            tone_lean(sentences, judgement.tone), tone_net, judgement.semantic.tone_weight
        )
        lift = (
            (indexes.suggestion_vectors @ whole[0] - indexes.suggestion_baseline).tolist()
            if len(whole)
            else []
        )
        similarity = dict(zip(indexes.suggestion_ids, lift, strict=False))
        return Judgement(sentences, risk, dimension, inferred, tone, similarity)

    def risk(self, text: str, *, locale: str) -> RiskFinding | None:
        """Return the flag this text raises, if any (rules and the net)."""
        return self.judge(text, locale=locale, prompt_dimension=None).risk

    def assess(  # noqa: PLR0913 - every argument is a ranking input
        self,
        text: str,
        *,
        locale: str,
        dimension: Dimension | None,
        age_band: AgeBand | None,
        role: Role | None,
        last_given: str | None = None,
        given_counts: Mapping[str, int] | None = None,
        salt: str = "",
    ) -> Assessment:
        """Return a signpost on a sure flag; else the top suggestion, with a note if unsure."""
        contacts = self._content.contacts(locale)
        found = self.judge(text, locale=locale, prompt_dimension=dimension)
        if found.risk is not None and found.risk.strength is Strength.SIGNPOST:
            return Assessment(
                risk=found.risk.level,
                suggestion=None,
                contacts=contacts,
                dimension=found.dimension,
                inferred_dimension=found.inferred,
                tone=found.tone,
            )
        reading = Reading(
            sentences=found.sentences,
            tone=found.tone,
            age_band=age_band or DEFAULT_AGE_BAND,
            role=role or DEFAULT_ROLE,
            similarity=found.suggestion_similarity,
        )
        ranked = rank_suggestions(
            self._content.suggestion_facts(locale, found.dimension),
            reading,
            last_given=last_given,
            given_counts=given_counts or {},
            salt=salt,
        )
        return Assessment(
            risk=None,
            suggestion=self._content.suggestion(ranked[0].id) if ranked else None,
            contacts=contacts,
            note=found.risk.level if found.risk else None,
            dimension=found.dimension,
            inferred_dimension=found.inferred,
            tone=found.tone,
        )


def _mean_direction(vectors: Vectors) -> Vectors:
    """Average sentence vectors into one unit vector for the whole text (empty if no words)."""
    if len(vectors) == 0:
        return vectors
    mean = vectors.mean(axis=0)
    norm = max(float((mean @ mean) ** 0.5), 1e-9)
    return (mean / norm)[None, :].astype(vectors.dtype)
