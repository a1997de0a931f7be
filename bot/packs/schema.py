"""Schema of the TOML content files; see docs/content-format.md."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from bot.domain.model import AgeBand, Dimension, RiskLevel, Role, Strength, Tone
from bot.domain.risk import Scope

MAX_TEXT_LENGTH = 500
_PHONE = re.compile(r"[0-9 +()\-]{2,30}")

ItemId = Annotated[str, StringConstraints(pattern=r"^[a-z_]+\.[a-z0-9_]+$")]
LocaleCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")]
# A CLDR locale for dates, times and lists: language, then optional script and region (en_GB).
_FORMAT_LOCALE = r"^[a-z]{2,3}(_[A-Z][a-z]{3})?(_[A-Z]{2})?$"
FormatLocale = Annotated[str, StringConstraints(pattern=_FORMAT_LOCALE)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT_LENGTH)]
Word = Annotated[str, StringConstraints(min_length=1, max_length=60)]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


SourceHash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{12}$")]


class LocalesFile(_Strict):
    """``content/locales.toml``: the language packs are written in, and what carers may choose."""

    source: LocaleCode
    enabled: list[LocaleCode] = Field(min_length=1)
    # The regional conventions each language is written with: dates, clock, lists ("en_GB").
    formats: dict[LocaleCode, FormatLocale] = Field(default_factory=dict)


class AgencyLocalesFile(_Strict):
    """An agency's ``locales.toml``: the shipped locales its carers may choose, and formats."""

    enabled: list[LocaleCode] | None = Field(default=None, min_length=1)
    # Over the shipped formats: an Iraqi agency writes Arabic dates as in Iraq ("ar_IQ").
    formats: dict[LocaleCode, FormatLocale] = Field(default_factory=dict)


class PackManifest(_Strict):
    """The ``[pack]`` table: which dimension, and its display names."""

    dimension: Dimension
    version: int = Field(ge=1)
    name: dict[LocaleCode, Text]
    benefit: dict[LocaleCode, Text]


class PromptItem(_Strict):
    """One ``[[prompt]]``: a reflective question."""

    id: ItemId
    age_bands: list[AgeBand] = Field(default_factory=list)
    roles: list[Role] = Field(default_factory=list)
    text: dict[LocaleCode, Text]


class SuggestionItem(_Strict):
    """One ``[[suggestion]]``: a strengths-based idea, with the words that make it fit."""

    id: ItemId
    age_bands: list[AgeBand] = Field(default_factory=list)
    roles: list[Role] = Field(default_factory=list)
    tone: Tone | None = None
    keywords: dict[LocaleCode, list[Word]]
    text: dict[LocaleCode, Text]


class PackFile(_Strict):
    """A whole ``content/<dimension>/pack.toml``."""

    pack: PackManifest
    prompt: list[PromptItem] = Field(min_length=1)
    suggestion: list[SuggestionItem] = Field(min_length=1)


class TranslatedText(_Strict):
    """A translation, with the hash of the source text it was made from (to spot stale ones)."""

    text: Text
    source: SourceHash


class TranslatedItem(_Strict):
    """A prompt's or suggestion's translation; suggestions also translate their keywords."""

    text: Text
    source: SourceHash
    keywords: list[Word] = Field(default_factory=list)
    keywords_source: SourceHash | None = None


class TranslationFile(_Strict):
    """A whole ``content/<dimension>/<locale>.toml``: one pack in one more language."""

    name: TranslatedText | None = None
    benefit: TranslatedText | None = None
    item: dict[ItemId, TranslatedItem] = Field(default_factory=dict)


class Retirement(_Strict):
    """An agency's ``[[retire]]``: a shipped item or rule taken out, with the reason recorded."""

    id: str = Field(min_length=1, max_length=80)
    reason: str = Field(min_length=3, max_length=300)


class AgencyPackFile(_Strict):
    """An agency's ``<dimension>/pack.toml``: items it adds and shipped items it retires."""

    prompt: list[PromptItem] = Field(default_factory=list)
    suggestion: list[SuggestionItem] = Field(default_factory=list)
    retire: list[Retirement] = Field(default_factory=list)


class Contacts(_Strict):
    """Agency-configurable contacts shown in every safeguarding reply for one locale."""

    emergency_number: str
    helpline: str = ""

    @field_validator("emergency_number")
    @classmethod
    def _dialable(cls, value: str) -> str:
        """Refuse a number a carer cannot dial: every signpost tells them to call it."""
        if not _PHONE.fullmatch(value) or sum(char.isdigit() for char in value) < 2:
            raise ValueError(
                "must be a phone number: digits, spaces, + - ( ) only, at least 2 digits"
            )
        return value

    @field_validator("helpline")
    @classmethod
    def _readable(cls, value: str) -> str:
        """Refuse a blank-looking helpline: it would print an empty 'You can also contact:'."""
        if value != value.strip():
            raise ValueError('must be text without leading or trailing spaces, or "" for none')
        return value


class SafeguardingFile(_Strict):
    """The whole ``content/safeguarding.toml``: agency contacts per locale."""

    contacts: dict[LocaleCode, Contacts]


PatternText = Annotated[str, StringConstraints(min_length=1, max_length=400)]
RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$")]
Example = Annotated[str, StringConstraints(min_length=1, max_length=300)]


class RiskRuleItem(_Strict):
    """One ``[[rule]]``: patterns that raise a level; see docs/judgement-rules.md."""

    id: RuleId
    level: RiskLevel
    strength: Strength = Strength.SIGNPOST
    match: list[PatternText] = Field(min_length=1)
    also: list[PatternText] = Field(default_factory=list)
    scope: Scope = Scope.SENTENCE
    examples: list[Example] = Field(min_length=1)


class LookalikeItem(_Strict):
    """One ``[[lookalike]]``: an idiom or harmless use whose words no rule may take."""

    id: RuleId
    match: list[PatternText] = Field(min_length=1)
    examples: list[Example] = Field(min_length=1)


class RiskRulesFile(_Strict):
    """A whole ``content/judgement/<locale>/safeguarding.toml``."""

    negation_window: int = Field(default=3, ge=1, le=8)
    classes: dict[RuleId, list[PatternText]] = Field(default_factory=dict)
    resolved: list[PatternText] = Field(default_factory=list)
    fiction: list[PatternText] = Field(default_factory=list)
    lookalike: list[LookalikeItem] = Field(default_factory=list)
    rule: list[RiskRuleItem] = Field(min_length=1)


class AgencyRulesFile(_Strict):
    """An agency's ``judgement/<locale>/safeguarding.toml``: additions, reasoned retirements.

    Nothing here can silently remove a shipped rule: only a ``[[retire]]`` entry does, and
    ``packs check`` lists each one.
    """

    classes: dict[RuleId, list[PatternText]] = Field(default_factory=dict)
    resolved: list[PatternText] = Field(default_factory=list)
    fiction: list[PatternText] = Field(default_factory=list)
    lookalike: list[LookalikeItem] = Field(default_factory=list)
    rule: list[RiskRuleItem] = Field(default_factory=list)
    retire: list[Retirement] = Field(default_factory=list)


class NormaliseTable(_Strict):
    """How phone-typed words are expanded before matching."""

    replacements: dict[str, str] = Field(default_factory=dict)
    clitics: dict[str, str] = Field(default_factory=dict)
    prefixes: list[Word] = Field(default_factory=list)
    function_words: list[Word] = Field(min_length=1)


class CueTable(_Strict):
    """Words that turn, strengthen or shift the weight of what follows them."""

    negators: list[PatternText] = Field(min_length=1)
    intensifiers: list[PatternText] = Field(default_factory=list)
    contrast: list[PatternText] = Field(default_factory=list)


class ToneTable(_Strict):
    """Patterns that mark a struggle or something that went well."""

    struggle: list[PatternText] = Field(min_length=1)
    positive: list[PatternText] = Field(min_length=1)


class SemanticTable(_Strict):
    """How much the sentence-model net's classifiers count; see docs/judgement-rules.md."""

    risk_probability: float = Field(default=0.65, gt=0.25, lt=1)
    sentence_probability: float = Field(default=0.95, gt=0.25, le=1)
    # A sure disclosure or distress rule becomes a note when the net reads the whole text and
    # each sentence as safe at or above this; never danger. Above 1: rules are never doubted.
    doubt_probability: float = Field(default=0.9, ge=0.8)
    dimension_weight: float = Field(default=3.0, ge=0)
    tone_weight: float = Field(default=2.0, ge=0)
    # Locales whose exemplars the classifiers also learn from (the sentence model is
    # multilingual): a newer locale borrows the larger English and Spanish sets.
    borrow: list[LocaleCode] = Field(default_factory=list)


class AcknowledgementTable(_Strict):
    """Whole texts that only acknowledge ('ok', 'thanks', a thumbs up): not kept as reflections."""

    whole_texts: list[Word] = Field(default_factory=list)


class LanguageFile(_Strict):
    """A whole ``content/judgement/<locale>/language.toml``."""

    normalise: NormaliseTable
    cues: CueTable
    tone: ToneTable
    dimension: dict[Dimension, list[PatternText]]
    semantic: SemanticTable = SemanticTable()
    acknowledgement: AcknowledgementTable = AcknowledgementTable()


class ExemplarsFile(_Strict):
    """A whole ``content/judgement/<locale>/exemplars.toml``: sentences the net compares with."""

    risk: dict[str, list[Example]]
    dimension: dict[Dimension, list[Example]]
    tone: dict[Tone, list[Example]]
