"""Load and validate every content file; report problems as ``file:line: message``."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bot.domain.model import AgeBand, Dimension, Role
from bot.packs.judgement import LocaleJudgement, RawJudgement, SourceFile, compile_locale
from bot.packs.lines import LineIndex
from bot.packs.schema import (
    ExemplarsFile,
    LanguageFile,
    PackFile,
    PromptItem,
    RiskRulesFile,
    SafeguardingFile,
    SuggestionItem,
)

MIN_PER_AUDIENCE = 3
_MARKUP = re.compile(r"<[^>]*>|[{}]")

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class PackIssue:
    """One problem in one file."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        """Render as ``file:line: message`` for editors and CI logs."""
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """Content failed validation; the bot refuses to start on it."""

    def __init__(self, issues: Sequence[PackIssue]) -> None:
        """Keep every issue so all of them can be printed at once."""
        super().__init__("\n".join(str(issue) for issue in issues))
        self.issues = list(issues)


@dataclass(frozen=True)
class RawContent:
    """Validated files, before the registry indexes them."""

    packs: dict[Dimension, PackFile]
    safeguarding: SafeguardingFile
    judgement: dict[str, LocaleJudgement]
    locales: tuple[str, ...]
    root: Path


class _Collector:
    """Gather issues while reading the content directory."""

    def __init__(self) -> None:
        self.issues: list[PackIssue] = []

    def add(self, path: Path, line: int, message: str) -> None:
        self.issues.append(PackIssue(path, line, message))

    def read(self, path: Path, model: type[ModelT]) -> tuple[ModelT | None, LineIndex]:
        """Parse one TOML file into ``model``, recording syntax and schema errors."""
        if not path.is_file():
            self.add(path, 1, "file is missing")
            return None, LineIndex("")
        text = path.read_text(encoding="utf-8")
        index = LineIndex(text)
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            self.add(path, _toml_error_line(exc), f"invalid TOML: {exc}")
            return None, index
        try:
            return model.model_validate(data), index
        except ValidationError as exc:
            for error in exc.errors():
                where = ".".join(str(part) for part in error["loc"])
                self.add(path, index.line_of(error["loc"]), f"{where}: {error['msg']}")
            return None, index


def _toml_error_line(exc: tomllib.TOMLDecodeError) -> int:
    match = re.search(r"line (\d+)", str(exc))
    return int(match[1]) if match else 1


def load_raw_content(root: Path) -> RawContent:
    """Read and cross-check the content directory, raising ContentError listing every issue."""
    collector = _Collector()
    packs: dict[Dimension, PackFile] = {}
    seen_ids: dict[str, Path] = {}
    for dimension in Dimension:
        path = root / dimension.value / "pack.toml"
        pack, index = collector.read(path, PackFile)
        if pack is not None:
            packs[dimension] = pack
            _check_pack(collector, path, index, pack, dimension, seen_ids)
    safeguarding, guard_index = collector.read(root / "safeguarding.toml", SafeguardingFile)
    locales = _shared_locales(collector, root, packs)
    if safeguarding is not None:
        _check_locales_present(
            collector,
            root / "safeguarding.toml",
            guard_index,
            locales,
            {"contacts": safeguarding.contacts},
        )
    judgement = {}
    for locale in locales:
        raw = _read_judgement(collector, root, locale)
        compiled = compile_locale(locale, raw, collector.add) if raw is not None else None
        if compiled is not None:
            judgement[locale] = compiled
    if collector.issues or safeguarding is None:
        raise ContentError(collector.issues)
    return RawContent(
        packs=packs,
        safeguarding=safeguarding,
        judgement=judgement,
        locales=locales,
        root=root,
    )


def _read_judgement(collector: _Collector, root: Path, locale: str) -> RawJudgement | None:
    """Read a locale's rules, cues and exemplars; a shipped locale without them is an error."""
    folder = root / "judgement" / locale
    language, language_index = collector.read(folder / "language.toml", LanguageFile)
    rules, rules_index = collector.read(folder / "safeguarding.toml", RiskRulesFile)
    exemplars, exemplars_index = collector.read(folder / "exemplars.toml", ExemplarsFile)
    if language is None or rules is None or exemplars is None:
        return None
    return RawJudgement(
        language=language,
        rules=rules,
        exemplars=exemplars,
        language_source=SourceFile(folder / "language.toml", language_index),
        rules_source=SourceFile(folder / "safeguarding.toml", rules_index),
        exemplars_source=SourceFile(folder / "exemplars.toml", exemplars_index),
    )


def _shared_locales(
    collector: _Collector, root: Path, packs: dict[Dimension, PackFile]
) -> tuple[str, ...]:
    locale_sets = {tuple(pack.pack.locales) for pack in packs.values()}
    if len(locale_sets) > 1:
        collector.add(root, 1, "every pack must declare the same locales")
    return next(iter(locale_sets)) if locale_sets else ()


def _check_pack(
    collector: _Collector,
    path: Path,
    index: LineIndex,
    pack: PackFile,
    dimension: Dimension,
    seen_ids: dict[str, Path],
) -> None:
    """Cross-check one pack: ids, locales, text rules and audience coverage."""
    if pack.pack.dimension is not dimension:
        collector.add(
            path,
            index.line_of(("pack", "dimension")),
            f"pack.dimension must be {dimension.value!r} in this folder",
        )
    locales = pack.pack.locales
    _check_locales_present(
        collector,
        path,
        index,
        locales,
        {"pack.name": pack.pack.name, "pack.benefit": pack.pack.benefit},
    )
    groups: list[tuple[str, Sequence[PromptItem | SuggestionItem]]] = [
        ("prompt", pack.prompt),
        ("suggestion", pack.suggestion),
    ]
    for kind, items in groups:
        for position, item in enumerate(items):
            key = (kind, position)
            line = index.line_of(key)
            if not item.id.startswith(f"{dimension.value}."):
                collector.add(path, line, f"id {item.id!r} must start with '{dimension.value}.'")
            if item.id in seen_ids:
                collector.add(
                    path, line, f"duplicate id {item.id!r} (also in {seen_ids[item.id]})"
                )
            seen_ids.setdefault(item.id, path)
            _check_locales_present(
                collector, path, index, locales, {f"{kind}.{position}.text": item.text}
            )
            for problem in _text_problems(item.text):
                collector.add(path, index.line_of((*key, "text")), problem)
            if isinstance(item, SuggestionItem):
                _check_locales_present(
                    collector, path, index, locales, {f"{kind}.{position}.keywords": item.keywords}
                )
    _check_coverage(collector, path, pack)


def _check_locales_present(
    collector: _Collector,
    path: Path,
    index: LineIndex,
    locales: Sequence[str],
    tables: dict[str, dict[str, Any]],
) -> None:
    for where, table in tables.items():
        key = tuple(int(part) if part.isdigit() else part for part in where.split("."))
        for locale in locales:
            if locale not in table:
                collector.add(path, index.line_of(key), f"{where}: missing locale {locale!r}")
        for extra in sorted(set(table) - set(locales)):
            collector.add(
                path,
                index.line_of((*key, extra)),
                f"{where}: locale {extra!r} is not declared in the pack",
            )


def _text_problems(texts: dict[str, str]) -> Iterator[str]:
    for locale, text in texts.items():
        if text != text.strip():
            yield f"text.{locale}: no leading or trailing whitespace"
        if _MARKUP.search(text):
            yield f"text.{locale}: no markup or placeholders; texts are sent as plain text"


def _check_coverage(collector: _Collector, path: Path, pack: PackFile) -> None:
    """Every role and age band must have a few prompts and suggestions to rotate through."""
    for kind, items in (("prompt", pack.prompt), ("suggestion", pack.suggestion)):
        for band in AgeBand.concrete():
            for role in Role:
                count = sum(
                    1
                    for item in items
                    if (not item.age_bands or band in item.age_bands)
                    and (not item.roles or role in item.roles)
                )
                if count < MIN_PER_AUDIENCE:
                    collector.add(
                        path,
                        1,
                        f"only {count} {kind}s suit {role.value} carers of "
                        f"{band.value} children; need {MIN_PER_AUDIENCE}",
                    )
