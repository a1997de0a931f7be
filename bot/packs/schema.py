"""Schema of the TOML content files; see docs/content-format.md."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from bot.domain.model import AgeBand, Dimension, RiskLevel, Role, Tone

MAX_TEXT_LENGTH = 500

ItemId = Annotated[str, StringConstraints(pattern=r"^[a-z_]+\.[a-z0-9_]+$")]
LocaleCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT_LENGTH)]
Word = Annotated[str, StringConstraints(min_length=1, max_length=60)]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PackManifest(_Strict):
    """The ``[pack]`` table: which dimension, which locales, and its display names."""

    dimension: Dimension
    version: int = Field(ge=1)
    locales: list[LocaleCode] = Field(min_length=1)
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


class SafeguardingRule(_Strict):
    """One ``[[rule]]`` of ``safeguarding.toml``: phrases per locale that raise a level."""

    level: RiskLevel
    phrases: dict[LocaleCode, list[Word]]


class Contacts(_Strict):
    """Agency-configurable contacts shown in every safeguarding reply for one locale."""

    emergency_number: Annotated[str, StringConstraints(pattern=r"^[0-9 +]{2,20}$")]
    helpline: str = ""


class SafeguardingFile(_Strict):
    """The whole ``content/safeguarding.toml``."""

    contacts: dict[LocaleCode, Contacts]
    rule: list[SafeguardingRule] = Field(min_length=1)


class CuesFile(_Strict):
    """The whole ``content/cues.toml``: words that mark a struggle or something that went well."""

    struggle: dict[LocaleCode, list[Word]]
    positive: dict[LocaleCode, list[Word]]
