"""Adapt the suggestion engine to the evaluation's outcome records."""

from __future__ import annotations

from bot.domain.model import Strength
from bot.services.assess import SuggestionEngine
from bot.services.evaluate import Judge, LabelledText, Outcome


def engine_judge(engine: SuggestionEngine) -> Judge:
    """Judge each text as a new carer would see it: no prompt, no history, its own salt."""

    def judge(item: LabelledText) -> Outcome:
        assessment = engine.assess(
            item.text,
            locale=item.locale,
            dimension=None,
            age_band=item.age_band,
            role=item.role,
            salt=item.id,
        )
        flag = assessment.risk or assessment.note
        strength = (
            Strength.SIGNPOST if assessment.risk else Strength.NOTE if assessment.note else None
        )
        suggestion = assessment.suggestion
        return Outcome(
            flag=flag,
            strength=strength,
            dimension=assessment.dimension,
            suggestion_id=suggestion.id if suggestion else None,
            suggestion_tone=suggestion.tone if suggestion else None,
        )

    return judge
