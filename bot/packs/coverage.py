"""How complete each locale is: pack texts (missing, stale), interface, judgement and contacts."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.domain.model import AgeBand, Dimension, Role
from bot.packs import toml
from bot.packs.catalogs import catalog_issues, catalog_paths, read_template
from bot.packs.translations import (
    BENEFIT_SUFFIX,
    KEYWORDS_SUFFIX,
    NAME_SUFFIX,
    SourceTexts,
    keywords_text,
    read_translations,
    source_hash,
)

JUDGEMENT_FILES = ("language.toml", "safeguarding.toml", "exemplars.toml")


@dataclass(frozen=True)
class Item:
    """A pack item as coverage sees it: who it is for and its text keys."""

    id: str
    kind: str
    age_bands: frozenset[str]
    roles: frozenset[str]

    def suits(self, band: AgeBand, role: Role) -> bool:
        """Tell whether a carer of this role and age band can be sent this item."""
        return (not self.age_bands or band.value in self.age_bands) and (
            not self.roles or role.value in self.roles
        )


@dataclass
class PackSources:
    """One pack's source texts (with the agency's additions and retirements applied)."""

    dimension: Dimension
    texts: SourceTexts
    items: list[Item] = field(default_factory=list)


@dataclass
class Cell:
    """One dimension in one locale."""

    total: int = 0
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)

    @property
    def done(self) -> int:
        """Texts present and current."""
        return self.total - len(self.missing) - len(self.stale)


@dataclass
class LocaleRow:
    """Everything ``packs coverage`` reports for one locale."""

    locale: str
    enabled: bool
    cells: dict[Dimension, Cell]
    interface_problems: int | None  # None: no catalog at all
    judgement_missing: list[str]
    contacts: bool
    thinnest: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Interface, packs, judgement and contacts all there and current."""
        return (
            self.interface_problems == 0
            and not self.judgement_missing
            and self.contacts
            and all(not c.missing and not c.stale for c in self.cells.values())
        )


def read_sources(root: Path, agency: Path | None = None) -> list[PackSources]:
    """Read every pack's source-language texts, with an agency's items added and retired."""
    source = _source_locale(root)
    found = []
    for dimension in Dimension:
        shipped = _toml(root / dimension.value / "pack.toml")
        layer = _toml(agency / dimension.value / "pack.toml") if agency else {}
        retired = {entry.get("id") for entry in layer.get("retire", [])}
        pack = PackSources(dimension, SourceTexts(dimension))
        manifest = shipped.get("pack", {})
        for part, suffix, note in (
            ("name", NAME_SUFFIX, "Name of the dimension"),
            ("benefit", BENEFIT_SUFFIX, "What the dimension helps the child with"),
        ):
            if source in manifest.get(part, {}):
                _add(pack.texts, f"{dimension.value}{suffix}", manifest[part][source], note)
        for kind in ("prompt", "suggestion"):
            for item in [*shipped.get(kind, []), *layer.get(kind, [])]:
                if item.get("id") in retired or source not in item.get("text", {}):
                    continue
                _add_item(pack, kind, item, source)
        found.append(pack)
    return found


def _add_item(pack: PackSources, kind: str, item: dict[str, Any], source: str) -> None:
    item_id = str(item["id"])
    bands = frozenset(map(str, item.get("age_bands", [])))
    roles = frozenset(map(str, item.get("roles", [])))
    pack.items.append(Item(item_id, kind, bands, roles))
    audience = ", ".join(sorted(bands | roles)) or "everyone"
    _add(
        pack.texts,
        item_id,
        item["text"][source],
        f"{kind} in {pack.dimension.value}, for {audience}",
    )
    keywords = item.get("keywords")
    if isinstance(keywords, dict) and source in keywords:
        _add(
            pack.texts,
            item_id + KEYWORDS_SUFFIX,
            keywords_text(keywords[source]),
            "Comma-separated words or short phrases a carer might write that make this "
            "suggestion fit: natural words in your language, not a literal translation",
        )


def _add(texts: SourceTexts, key: str, text: str, comment: str) -> None:
    texts.texts[key] = text
    texts.comments[key] = comment


def _toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        return toml.loads(path.read_text(encoding="utf-8"))
    except toml.TomlError:
        return {}


def _source_locale(root: Path) -> str:
    return str(_toml(root / "locales.toml").get("source", "en"))


def enabled_locales(root: Path, agency: Path | None = None) -> list[str]:
    """The shipped enabled locales, or the agency's subset of them."""
    shipped = [str(loc) for loc in _list(_toml(root / "locales.toml").get("enabled"))]
    if agency is not None and (agency / "locales.toml").is_file():
        chosen = _list(_toml(agency / "locales.toml").get("enabled"))
        return [loc for loc in shipped if loc in chosen]
    return shipped


def _list(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def coverage(
    root: Path, locales_dir: Path, agency: Path | None = None, only: Sequence[str] = ()
) -> list[LocaleRow]:
    """Measure every locale that has any content, interface or judgement file (or ``only``)."""
    sources = read_sources(root, agency)
    source = _source_locale(root)
    enabled = enabled_locales(root, agency)
    template = read_template(locales_dir)
    catalogs = catalog_paths(locales_dir)
    contacts = _toml(root / "safeguarding.toml").get("contacts", {})
    if agency is not None:
        contacts = {
            **_dict(contacts),
            **_dict(_toml(agency / "safeguarding.toml").get("contacts")),
        }
    locales = list(only) or sorted(set(enabled) | set(catalogs) | set(_seen_locales(root)))
    rows = []
    for locale in locales:
        cells = {pack.dimension: _cell(root, agency, pack, locale, source) for pack in sources}
        path = catalogs.get(locale)
        problems = None if path is None else len(catalog_issues(path, locale, template))
        if locale == source and path is None:
            problems = 0  # the source language is the msgids themselves
        folder = root / "judgement" / locale
        rows.append(
            LocaleRow(
                locale=locale,
                enabled=locale in enabled,
                cells=cells,
                interface_problems=problems,
                judgement_missing=[n for n in JUDGEMENT_FILES if not (folder / n).is_file()],
                contacts=locale in _dict(contacts),
                thinnest=_thinnest(sources, cells, locale),
            )
        )
    return rows


def _dict(value: object) -> dict[str, object]:
    return dict(value) if isinstance(value, dict) else {}


def _seen_locales(root: Path) -> Iterator[str]:
    for dimension in Dimension:
        for path in (root / dimension.value).glob("*.toml"):
            if path.name != "pack.toml":
                yield path.stem
    judgement = root / "judgement"
    if judgement.is_dir():
        yield from (path.name for path in judgement.iterdir() if path.is_dir())


def _cell(root: Path, agency: Path | None, pack: PackSources, locale: str, source: str) -> Cell:
    """Count one pack's texts in one locale: present and current, missing, or stale."""
    cell = Cell(total=len(pack.texts.texts))
    if locale == source:
        return cell
    translations = read_translations(root / pack.dimension.value / f"{locale}.toml")
    if agency is not None:
        translations.update(read_translations(agency / pack.dimension.value / f"{locale}.toml"))
    inline = _inline_texts(root, agency, pack.dimension, locale)
    for key, text in pack.texts.texts.items():
        if key in inline:
            continue
        found = translations.get(key)
        if found is None:
            cell.missing.append(key)
        elif found.source != source_hash(text):
            cell.stale.append(key)
    return cell


def _inline_texts(root: Path, agency: Path | None, dimension: Dimension, locale: str) -> set[str]:
    """Keys whose locale text is written inside a pack file (agency items usually are)."""
    keys: set[str] = set()
    for folder in (root, agency):
        if folder is None:
            continue
        data = _toml(folder / dimension.value / "pack.toml")
        for kind in ("prompt", "suggestion"):
            for item in _list(data.get(kind)):
                if isinstance(item, dict) and locale in item.get("text", {}):
                    keys.add(str(item["id"]))
                    if locale in item.get("keywords", {}):
                        keys.add(str(item["id"]) + KEYWORDS_SUFFIX)
    return keys


def _thinnest(
    sources: list[PackSources], cells: dict[Dimension, Cell], locale: str
) -> dict[tuple[str, str], int]:
    """For each role and age band, the fewest usable items of one kind in any dimension."""
    fewest: dict[tuple[str, str], int] = {}
    for pack in sources:
        unusable = set(cells[pack.dimension].missing) | set(cells[pack.dimension].stale)
        for band in AgeBand.concrete():
            for role in Role:
                for kind in ("prompt", "suggestion"):
                    count = sum(
                        1
                        for item in pack.items
                        if item.kind == kind and item.suits(band, role) and item.id not in unusable
                    )
                    key = (role.value, band.value)
                    fewest[key] = min(fewest.get(key, count), count)
    return fewest


def render(rows: list[LocaleRow], by_audience: bool = False) -> list[str]:
    """Draw the table: one row per locale, one column per dimension, then the other parts."""
    dims = list(Dimension)
    header = ["locale", "enabled", *(d.value for d in dims), "interface", "judgement", "contacts"]
    table = [header]
    for row in rows:
        table.append(
            [
                row.locale,
                "yes" if row.enabled else "no",
                *(_cell_text(row.cells[d]) for d in dims),
                _interface_text(row.interface_problems),
                "ok"
                if not row.judgement_missing
                else "missing " + ", ".join(row.judgement_missing),
                "ok" if row.contacts else "missing",
            ]
        )
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        for line in table
    ]
    lines.append(
        "cells: current/total texts; -N missing, ~N stale (source changed since translation)"
    )
    if by_audience:
        lines += _audience_lines(rows)
    return lines


def _cell_text(cell: Cell) -> str:
    text = f"{cell.done}/{cell.total}"
    if cell.missing:
        text += f" -{len(cell.missing)}"
    if cell.stale:
        text += f" ~{len(cell.stale)}"
    return text


def _interface_text(problems: int | None) -> str:
    if problems is None:
        return "no catalog"
    return "ok" if problems == 0 else f"{problems} problem(s)"


def _audience_lines(rows: list[LocaleRow]) -> list[str]:
    """Fewest usable prompts or suggestions for each role and age band, in any dimension."""
    lines = ["", "fewest usable items per dimension, by role x age band:"]
    for row in rows:
        parts = [f"{role}/{band}={count}" for (role, band), count in sorted(row.thinnest.items())]
        lines.append(f"{row.locale}: " + " ".join(parts))
    return lines


def details(rows: list[LocaleRow]) -> list[str]:
    """Name the missing and stale texts, for translators."""
    lines = []
    for row in rows:
        for dimension, cell in row.cells.items():
            for label, keys in (("missing", cell.missing), ("stale", cell.stale)):
                if keys:
                    lines.append(f"{row.locale} {dimension.value} {label}: {', '.join(keys)}")
    return lines
