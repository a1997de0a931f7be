"""The read-only view of validated content that services use at run time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.domain.model import Dimension, Tone
from bot.domain.ranking import SuggestionFacts
from bot.domain.risk import RiskPhrase
from bot.domain.rotation import Audience
from bot.domain.text import stems, tokenise
from bot.packs.loader import RawContent, load_raw_content
from bot.packs.schema import Contacts, PromptItem, SuggestionItem
from bot.packs.stemming import stemmer_for


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
class Cues:
    """Stemmed words that mark struggle or success in one locale."""

    struggle: frozenset[str]
    positive: frozenset[str]


def _audience(item: PromptItem | SuggestionItem) -> Audience:
    return Audience(age_bands=frozenset(item.age_bands), roles=frozenset(item.roles))


class ContentRegistry:
    """Index validated content by id, dimension and locale; precompute stems once."""

    def __init__(self, raw: RawContent) -> None:
        """Index ``raw``, stemming keywords and cues for every locale."""
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
        self._facts = {loc: self._build_facts(loc) for loc in self.locales}
        self._contacts = dict(raw.safeguarding.contacts)
        self._risk = {
            loc: tuple(
                RiskPhrase.parse(rule.level, phrase)
                for rule in raw.safeguarding.rule
                for phrase in rule.phrases[loc]
            )
            for loc in self.locales
        }
        self._cues = {
            loc: Cues(
                struggle=self._stem_words(loc, raw.cues.struggle[loc]),
                positive=self._stem_words(loc, raw.cues.positive[loc]),
            )
            for loc in self.locales
        }

    @classmethod
    def load(cls, root: Path) -> ContentRegistry:
        """Load, validate and index a content directory (raises ContentError)."""
        return cls(load_raw_content(root))

    @staticmethod
    def _stem_words(locale: str, words: list[str] | tuple[str, ...]) -> frozenset[str]:
        return stems((token for word in words for token in tokenise(word)), stemmer_for(locale))

    def _build_facts(self, locale: str) -> dict[str, SuggestionFacts]:
        return {
            suggestion.id: SuggestionFacts(
                id=suggestion.id,
                keyword_stems=self._stem_words(locale, suggestion.keywords[locale]),
                tone=suggestion.tone,
                audience=suggestion.audience,
            )
            for group in self.suggestions.values()
            for suggestion in group
        }

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

    def risk_phrases(self, locale: str) -> tuple[RiskPhrase, ...]:
        """Return the safeguarding phrases of a locale."""
        return self._risk[locale]

    def contacts(self, locale: str) -> Contacts:
        """Return the agency contacts for a locale."""
        return self._contacts[locale]

    def cues(self, locale: str) -> Cues:
        """Return the tone cue stems of a locale."""
        return self._cues[locale]
