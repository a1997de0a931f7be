"""The read-only view of validated content that services use at run time."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from bot.domain.model import Dimension, Tone
from bot.domain.ranking import SuggestionFacts
from bot.domain.rotation import Audience
from bot.packs.judgement import (
    RISK_LABELS,
    SAFE_LABEL,
    LocaleJudgements,
    proving_everything,
)
from bot.packs.loader import RawContent, load_raw_content
from bot.packs.schema import Contacts, PromptItem, SuggestionItem
from bot.packs.wordbook import WordBook

if TYPE_CHECKING:  # numpy and the vectors load with the first locale, not at start-up
    from bot.packs.semantic import EmbeddingCache, LinearClassifier, SentenceModel, Vectors

EMBEDDINGS_FILE = Path("judgement") / "embeddings.npz"

_Built = TypeVar("_Built")


class PerLocale(Mapping[str, _Built]):
    """Build a locale's index the first time it is asked for, once, from any thread."""

    def __init__(self, locales: Iterable[str], build: Callable[[str], _Built]) -> None:
        """Know the locales; build each one's index only when it is first read."""
        self._locales = tuple(locales)
        self._build = build
        self._built: dict[str, _Built] = {}
        self._lock = threading.Lock()

    def __getitem__(self, locale: str) -> _Built:
        """Return the locale's index, building it on this first read."""
        if locale not in self._locales:
            raise KeyError(locale)
        built = self._built.get(locale)
        if built is None:
            with self._lock:
                if locale not in self._built:
                    self._built[locale] = self._build(locale)
                built = self._built[locale]
        return built

    def __iter__(self) -> Iterator[str]:
        """Name every locale, built or not."""
        return iter(self._locales)

    def __len__(self) -> int:
        """Count every locale, built or not."""
        return len(self._locales)


@dataclass(frozen=True)
class Prompt:
    """A reflective question from a pack."""

    id: str
    dimension: Dimension
    audience: Audience
    texts: Mapping[str, str]


@dataclass(frozen=True)
class Suggestion:
    """A suggestion from a pack."""

    id: str
    dimension: Dimension
    audience: Audience
    tone: Tone | None
    texts: Mapping[str, str]
    keywords: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class SemanticIndexes:
    """A locale's classifiers and suggestion vectors for the sentence-model net."""

    risk: LinearClassifier
    dimension: LinearClassifier
    tone: LinearClassifier
    suggestion_ids: tuple[str, ...]
    suggestion_vectors: Vectors
    # Each suggestion's mean similarity to everyday sentences: what it scores with any text.
    suggestion_baseline: Vectors


def _audience(item: PromptItem | SuggestionItem) -> Audience:
    return Audience(age_bands=frozenset(item.age_bands), roles=frozenset(item.roles))


class ContentRegistry:
    """Index validated content by id, dimension and locale; precompute stems once."""

    def __init__(self, raw: RawContent, model: SentenceModel | None = None) -> None:
        """Index ``raw``: compile keywords and embed exemplars (from the cache) per locale."""
        self._model = model
        self._judging_at_once: int | None = None  # None: the model's own default
        self.locales = raw.locales
        self._names = {dim: dict(pack.pack.name) for dim, pack in raw.packs.items()}
        self._benefits = {dim: dict(pack.pack.benefit) for dim, pack in raw.packs.items()}
        self.prompts: dict[Dimension, tuple[Prompt, ...]] = {
            dim: tuple(Prompt(p.id, dim, _audience(p), dict(p.text)) for p in pack.prompt)
            for dim, pack in raw.packs.items()
        }
        self.suggestions: dict[Dimension, tuple[Suggestion, ...]] = {
            dim: tuple(
                Suggestion(
                    s.id,
                    dim,
                    _audience(s),
                    s.tone,
                    dict(s.text),
                    {loc: tuple(words) for loc, words in s.keywords.items()},
                )
                for s in pack.suggestion
            )
            for dim, pack in raw.packs.items()
        }
        self._prompt_by_id = {p.id: p for group in self.prompts.values() for p in group}
        self._suggestion_by_id = {s.id: s for group in self.suggestions.values() for s in group}
        self.judgement: LocaleJudgements = raw.judgement
        self._exemplars = raw.judgement.exemplars
        self._facts = PerLocale(self.locales, self._build_facts)
        self.words = raw.words or WordBook(raw.root / WordBook.FILE)
        self._contacts = dict(raw.safeguarding.contacts)
        self.source_locale = raw.source_locale
        self.formats = dict(raw.formats)
        self.retired = raw.retired
        self._vector_files = (raw.root, raw.agency)
        self._embeddings: EmbeddingCache | None = None
        self._embeddings_lock = threading.Lock()
        self.semantic = PerLocale(self.locales, self._build_indexes)
        if proving_everything():
            self.warm(self.locales)
        self.words.stop_recording()

    @property
    def model(self) -> SentenceModel:
        """The sentence model (its weights load on the first sentence, not here)."""
        if self._model is None:
            from bot.packs.semantic import default_model  # noqa: PLC0415 - imports numpy

            self._model = default_model()
            if self._judging_at_once is not None:
                self._model.allow(self._judging_at_once)
        return self._model

    def judge_at_once(self, instances: int) -> None:
        """Let the sentence model judge this many texts at once (its copies load as needed)."""
        self._judging_at_once = instances
        if self._model is not None:
            self._model.allow(instances)

    @property
    def embeddings(self) -> EmbeddingCache:
        """Saved vectors and classifiers, read when the first locale's net is built."""
        with self._embeddings_lock:
            if self._embeddings is None:
                self._embeddings = self._read_embeddings()
            return self._embeddings

    def _read_embeddings(self) -> EmbeddingCache:
        from bot.packs.semantic import EmbeddingCache  # noqa: PLC0415 - imports numpy

        root, agency = self._vector_files
        shipped = root / EMBEDDINGS_FILE
        if agency is None:
            return EmbeddingCache(shipped, self.model)
        return EmbeddingCache(agency / EMBEDDINGS_FILE, self.model, base=shipped)

    def warm(self, locales: Iterable[str]) -> None:
        """Compile these locales' rules, keywords and classifiers now rather than on first use."""
        for locale in locales:
            if locale in self.judgement:
                self._facts[locale]
                self.semantic[locale]

    @classmethod
    def load(
        cls, root: Path, model: SentenceModel | None = None, agency: Path | None = None
    ) -> ContentRegistry:
        """Load, validate and index content, with an optional agency layer (raises ContentError).

        The default model's registry is shared per directory until a file in it changes:
        building several Applications in one process compiles the rules once.
        """
        if model is not None:
            return cls(load_raw_content(root, agency), model)
        layer = agency.resolve() if agency is not None else None
        signature = _signature(root) + (_signature(agency) if agency is not None else ())
        return _load_shared(root.resolve(), layer, signature)

    def _build_facts(self, locale: str) -> dict[str, SuggestionFacts]:
        judgement = self.judgement[locale]
        facts = {}
        for group in self.suggestions.values():
            for suggestion in group:
                patterns = (judgement.keyword_pattern(k) for k in suggestion.keywords[locale])
                facts[suggestion.id] = SuggestionFacts(
                    id=suggestion.id,
                    keywords=tuple(p for p in patterns if p is not None),
                    tone=suggestion.tone,
                    audience=suggestion.audience,
                )
        return facts

    def embedded_texts(self) -> list[str]:
        """Every content text the net compares with, in a stable order (what the cache holds)."""
        texts: list[str] = []
        for locale in self.locales:
            exemplars = self._exemplars(locale)
            for groups in (exemplars.risk, exemplars.dimension, exemplars.tone):
                for items in groups.values():
                    texts.extend(items)
            for dimension in Dimension:
                texts.extend(p.texts[locale] for p in self.prompts[dimension])
                texts.extend(s.texts[locale] for s in self.suggestions[dimension])
        return list(dict.fromkeys(texts))

    def _build_indexes(self, locale: str) -> SemanticIndexes:
        import numpy as np  # noqa: PLC0415 - loaded with the first locale's net

        own_exemplars = self._exemplars(locale)
        sets = [own_exemplars] + [
            self._exemplars(other)
            for other in self.judgement.semantic(locale).borrow
            if other in self.judgement and other != locale
        ]
        vectors = self.embeddings.vectors
        pack_texts = {
            dim: [p.texts[locale] for p in self.prompts[dim]]
            + [s.texts[locale] for s in self.suggestions[dim]]
            for dim in Dimension
        }
        dimension_groups = {
            dim.value: vectors([*(t for ex in sets for t in ex.dimension[dim]), *pack_texts[dim]])
            for dim in Dimension
        }
        tone_groups = {
            tone.value: vectors([t for ex in sets for t in ex.tone[tone]])
            for tone in (Tone.STRUGGLE, Tone.POSITIVE)
        }
        # Risk learns from the locale's own exemplars only: borrowed ones lowered recall.
        # Everyday sentences of every kind teach the risk net what is not a concern.
        exemplars = own_exemplars
        risk_groups = {label: vectors(exemplars.risk[label]) for label in RISK_LABELS}
        # Only this locale's own everyday sentences: borrowed ones would teach the net that
        # another language is safer than this one.
        own = [t for dim in Dimension for t in exemplars.dimension[dim]]
        own += [t for tone in (Tone.STRUGGLE, Tone.POSITIVE) for t in exemplars.tone[tone]]
        own += [t for dim in Dimension for t in pack_texts[dim]]
        risk_groups[SAFE_LABEL] = np.concatenate([risk_groups[SAFE_LABEL], vectors(own)])
        suggestions = [s for dim in Dimension for s in self.suggestions[dim]]
        suggestion_vectors = vectors([s.texts[locale] for s in suggestions])
        everyday = np.concatenate(list(dimension_groups.values()))
        classifier = self.embeddings.classifier
        return SemanticIndexes(
            risk=classifier(f"{locale}:risk", risk_groups),
            dimension=classifier(f"{locale}:dimension", dimension_groups),
            tone=classifier(f"{locale}:tone", tone_groups),
            suggestion_ids=tuple(s.id for s in suggestions),
            suggestion_vectors=suggestion_vectors,
            suggestion_baseline=(suggestion_vectors @ everyday.T).mean(axis=1),
        )

    def prompt(self, prompt_id: str) -> Prompt | None:
        """Return a prompt by id, or None if a newer pack removed it."""
        return self._prompt_by_id.get(prompt_id)

    def suggestion(self, suggestion_id: str) -> Suggestion | None:
        """Return a suggestion by id, or None if a newer pack removed it."""
        return self._suggestion_by_id.get(suggestion_id)

    def suggestion_facts(self, locale: str, dimension: Dimension | None) -> list[SuggestionFacts]:
        """Return ranking facts for one dimension's suggestions, or for all of them."""
        facts = self._facts[locale]
        groups = [self.suggestions[dimension]] if dimension else list(self.suggestions.values())
        return [facts[s.id] for group in groups for s in group]

    def dimension_name(self, dimension: Dimension, locale: str) -> str:
        """Return the display name of a dimension."""
        return self._names[dimension][locale]

    def dimension_benefit(self, dimension: Dimension, locale: str) -> str:
        """Return what a dimension helps the child with."""
        return self._benefits[dimension][locale]

    def contacts(self, locale: str) -> Contacts:
        """Return the agency contacts for a locale."""
        return self._contacts[locale]


def _signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    """Name every file under ``root`` with its size and modification time."""
    if not root.is_dir():
        return ()
    return tuple(
        (str(path), stat.st_size, stat.st_mtime_ns)
        for path in sorted(root.rglob("*"))
        if path.is_file() and (stat := path.stat())
    )


@lru_cache(maxsize=4)
def _load_shared(
    root: Path, agency: Path | None, _signature: tuple[tuple[str, int, int], ...]
) -> ContentRegistry:
    return ContentRegistry(load_raw_content(root, agency))
