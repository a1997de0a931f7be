"""Decide the reply to a piece of text: a safeguarding signpost, or the best-fitting suggestion."""

from __future__ import annotations

from collections.abc import Mapping

from bot.domain.model import DEFAULT_AGE_BAND, DEFAULT_ROLE, AgeBand, Dimension, RiskLevel, Role
from bot.domain.ranking import Reading, rank_suggestions
from bot.domain.risk import assess_risk
from bot.domain.text import detect_tone, stems, tokenise
from bot.packs.registry import ContentRegistry
from bot.packs.stemming import stemmer_for
from bot.services.views import Assessment


class SuggestionEngine:
    """Apply the pack's fixed rules and ranking to what a carer wrote."""

    def __init__(self, content: ContentRegistry) -> None:
        """Use one loaded content registry."""
        self._content = content

    def risk(self, text: str, *, locale: str) -> RiskLevel | None:
        """Return the safeguarding level the pack's phrases give this text, if any."""
        return assess_risk(text, self._content.risk_phrases(locale))

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
        """Return a signpost when a safeguarding phrase matches, else the top suggestion."""
        contacts = self._content.contacts(locale)
        risk = self.risk(text, locale=locale)
        if risk is not None:
            return Assessment(risk=risk, suggestion=None, contacts=contacts)
        reflection_stems = stems(tokenise(text), stemmer_for(locale))
        cues = self._content.cues(locale)
        reading = Reading(
            stems=reflection_stems,
            tone=detect_tone(
                reflection_stems, struggle_cues=cues.struggle, positive_cues=cues.positive
            ),
            age_band=age_band or DEFAULT_AGE_BAND,
            role=role or DEFAULT_ROLE,
        )
        ranked = rank_suggestions(
            self._content.suggestion_facts(locale, dimension),
            reading,
            last_given=last_given,
            given_counts=given_counts or {},
            salt=salt,
        )
        suggestion = self._content.suggestion(ranked[0].id) if ranked else None
        return Assessment(risk=None, suggestion=suggestion, contacts=contacts)
