"""A long sentence is embedded as its clauses, side by side, and still judged as one sentence."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.config import PROJECT_ROOT
from bot.domain.model import RiskLevel
from bot.packs.registry import ContentRegistry
from bot.packs.semantic import E5SentenceModel, Vectors
from bot.services.assess import CLAUSE_CHARS, SuggestionEngine


class RecordingModel:
    """The real sentence model, recording every batch of texts it is asked to embed."""

    def __init__(self) -> None:
        self._model = E5SentenceModel(instances=2)
        self.name = self._model.name
        self.batches: list[list[str]] = []

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.batches.append(list(texts))
        return self._model.embed(texts)

    def allow(self, instances: int) -> None:
        self._model.allow(instances)


FIRST = "we had a long talk in the car on the way back from contact with his mum and sister"
SECOND = "and then at bedtime he told me very calmly that he wants to kill himself"


def test_a_long_sentence_embeds_as_clauses_and_its_vector_is_their_direction() -> None:
    """The model sees the clauses; the sentence's vector is their normalised mean; risk holds."""
    model = RecordingModel()
    engine = SuggestionEngine(ContentRegistry.load(PROJECT_ROOT / "content", model=model))
    text = f"{FIRST}, {SECOND}"
    assert len(text) > CLAUSE_CHARS
    model.batches.clear()
    found = engine.judge(text, locale="en", prompt_dimension=None)
    assert model.batches == [[f"{FIRST},", SECOND]]
    assert found.risk is not None and found.risk.level is RiskLevel.DANGER
    parts = model.embed([f"{FIRST},", SECOND])
    whole = model.embed([text])[0]
    merged = parts.sum(axis=0) / np.linalg.norm(parts.sum(axis=0))
    assert float(merged @ whole) > 0.9  # the same meaning, read in two halves


def test_a_short_sentence_embeds_whole() -> None:
    """Sentences within the limit go to the model as written, in one batch."""
    model = RecordingModel()
    engine = SuggestionEngine(ContentRegistry.load(PROJECT_ROOT / "content", model=model))
    model.batches.clear()
    engine.judge("She slept through. We were so proud!", locale="en", prompt_dimension=None)
    assert model.batches == [["She slept through", "We were so proud"]]
