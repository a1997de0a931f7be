"""Load and validate every content file; report problems as ``file:line: message``."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TypeVar

from babel import Locale, UnknownLocaleError
from pydantic import BaseModel, ValidationError

from bot.domain.model import AgeBand, Dimension, Role
from bot.packs import toml
from bot.packs.judgement import (
    LocaleJudgements,
    RawJudgement,
    SourceFile,
    files_digest,
    proving_everything,
)
from bot.packs.lines import LineIndex
from bot.packs.schema import (
    AgencyLocalesFile,
    AgencyPackFile,
    AgencyRulesFile,
    ExemplarsFile,
    LanguageFile,
    LocalesFile,
    PackFile,
    PromptItem,
    RiskRulesFile,
    SafeguardingFile,
    SuggestionItem,
    TranslationFile,
)
from bot.packs.translations import (
    BENEFIT_SUFFIX,
    KEYWORDS_SUFFIX,
    NAME_SUFFIX,
    keywords_text,
    source_hash,
    split_keywords,
)
from bot.packs.wordbook import WordBook

MIN_PER_AUDIENCE = 3
_MARKUP = re.compile(r"<[^>]*>|[{}]")

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class PackIssue:
    """One problem in one file; ``layer`` names the content layer when an agency one is in use."""

    path: Path
    line: int
    message: str
    layer: str = ""

    def __str__(self) -> str:
        """Render as ``file:line: message`` for editors and CI logs."""
        where = f"[{self.layer}] " if self.layer else ""
        return f"{where}{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """Content failed validation; the bot refuses to start on it."""

    def __init__(self, issues: Sequence[PackIssue]) -> None:
        """Keep every issue so all of them can be printed at once."""
        super().__init__("\n".join(str(issue) for issue in issues))
        self.issues = list(issues)


@dataclass(frozen=True)
class Retired:
    """A shipped item or rule an agency took out, and why (``packs check`` lists them)."""

    path: Path
    id: str
    reason: str


@dataclass(frozen=True)
class RawContent:
    """Validated files, layered and merged, before the registry indexes them."""

    packs: dict[Dimension, PackFile]
    safeguarding: SafeguardingFile
    judgement: LocaleJudgements
    locales: tuple[str, ...]
    root: Path
    source_locale: str = "en"
    # The CLDR locale each language's dates, times and lists follow, where not its own.
    formats: dict[str, str] = field(default_factory=dict)
    agency: Path | None = None
    retired: tuple[Retired, ...] = ()
    # The saved word lookups the compile used (None when built by hand, e.g. in tests).
    words: WordBook | None = None


class _Collector:
    """Gather issues while reading the content directories."""

    def __init__(self, agency: Path | None = None) -> None:
        self.issues: list[PackIssue] = []
        self.agency = agency

    def add(self, path: Path, line: int, message: str) -> None:
        self.issues.append(PackIssue(path, line, message, self._layer(path)))

    def _layer(self, path: Path) -> str:
        if self.agency is None:
            return ""
        return "agency" if path.is_relative_to(self.agency) else "shipped"

    def read(self, path: Path, model: type[ModelT]) -> tuple[ModelT | None, LineIndex]:
        """Parse one TOML file into ``model``, recording syntax and schema errors."""
        if not path.is_file():
            self.add(path, 1, "file is missing")
            return None, LineIndex("")
        text = path.read_text(encoding="utf-8")
        index = LineIndex(text)
        try:
            data = toml.loads(text)
        except toml.TomlError as exc:
            self.add(path, toml.error_line(exc), f"invalid TOML: {exc}")
            return None, index
        try:
            return model.model_validate(data), index
        except ValidationError as exc:
            for error in exc.errors():
                where = ".".join(str(part) for part in error["loc"])
                self.add(path, index.line_of(error["loc"]), f"{where}: {error['msg']}")
            return None, index

    def read_optional(self, path: Path, model: type[ModelT]) -> tuple[ModelT | None, LineIndex]:
        """Like ``read``, but a missing file is absent: agency layers hold only their changes."""
        if not path.is_file():
            return None, LineIndex("")
        return self.read(path, model)


@dataclass
class _Layers:
    """What every layering step needs: where each layer is, and what the run has seen so far."""

    collector: _Collector
    root: Path
    agency: Path | None
    source: str
    locales: tuple[str, ...]
    seen_ids: dict[str, Path]
    retired: list[Retired]


def load_raw_content(root: Path, agency: Path | None = None) -> RawContent:
    """Read, layer and cross-check the content, raising ContentError listing every issue.

    ``agency`` is an agency's own ``content/`` folder, layered over ``root`` (docs/agencies.md).
    """
    collector = _Collector(agency)
    locales_file, locales_index = collector.read(root / "locales.toml", LocalesFile)
    source = locales_file.source if locales_file else "en"
    locales, formats = _enabled_locales(collector, root, agency, (locales_file, locales_index))
    retired: list[Retired] = []
    layers = _Layers(collector, root, agency, source, locales, {}, retired)
    packs: dict[Dimension, PackFile] = {}
    for dimension in Dimension:
        path = root / dimension.value / "pack.toml"
        pack, index = collector.read(path, PackFile)
        if pack is None:
            continue
        _check_pack(layers, path, index, pack, dimension)
        packs[dimension] = _translated(layers, _layer_pack(layers, pack, dimension), dimension)
        _check_coverage(collector, path, packs[dimension])
    safeguarding = _layered_contacts(collector, root, agency, locales)
    words = (
        WordBook(agency / WordBook.FILE, base=root / WordBook.FILE)
        if agency is not None
        else WordBook(root / WordBook.FILE)
    )
    judgement = LocaleJudgements(words)
    for locale in locales:
        _add_judgement(judgement, layers, locale, words)
    if collector.issues or safeguarding is None:
        raise ContentError(collector.issues)
    return RawContent(
        packs=packs,
        safeguarding=safeguarding,
        judgement=judgement,
        locales=locales,
        root=root,
        source_locale=source,
        formats=formats,
        agency=agency,
        retired=tuple(retired),
        words=words,
    )


def _enabled_locales(
    collector: _Collector,
    root: Path,
    agency: Path | None,
    shipped: tuple[LocalesFile | None, LineIndex],
) -> tuple[tuple[str, ...], dict[str, str]]:
    """The shipped locales, or the subset an agency enables (it cannot enable more); formats."""
    locales_file, shipped_index = shipped
    if locales_file is None:
        return (), {}
    path = root / "locales.toml"
    enabled = list(dict.fromkeys(locales_file.enabled))
    if locales_file.source not in enabled:
        collector.add(path, 1, f"enabled must include the source locale {locales_file.source!r}")
    formats = _checked_formats(collector, (path, shipped_index), locales_file.formats, enabled)
    if agency is None:
        return tuple(enabled), formats
    path = agency / "locales.toml"
    chosen, index = collector.read_optional(path, AgencyLocalesFile)
    if chosen is None:
        return tuple(enabled), formats
    if chosen.enabled is not None:
        unknown = [locale for locale in chosen.enabled if locale not in enabled]
        if unknown:
            collector.add(
                path,
                index.line_of(("enabled",)),
                f"enabled: {', '.join(unknown)} not complete in the shipped content "
                "(see python -m bot packs coverage)",
            )
        enabled = [locale for locale in dict.fromkeys(chosen.enabled) if locale in enabled]
    formats |= _checked_formats(collector, (path, index), chosen.formats, enabled)
    return tuple(enabled), {loc: fmt for loc, fmt in formats.items() if loc in enabled}


def _checked_formats(
    collector: _Collector,
    where: tuple[Path, LineIndex],
    formats: dict[str, str],
    enabled: list[str],
) -> dict[str, str]:
    """Keep each ``formats`` entry Babel knows as a form of an enabled language."""
    path, index = where
    kept = {}
    for locale, chosen in formats.items():
        problem = (
            f"{locale!r} is not an enabled locale"
            if locale not in enabled
            else format_locale_problem(locale, chosen)
        )
        if problem:
            collector.add(path, index.line_of(("formats", locale)), f"formats.{locale}: {problem}")
        else:
            kept[locale] = chosen
    return kept


def format_locale_problem(locale: str, chosen: str) -> str | None:
    """Say why ``chosen`` cannot format ``locale`` (unknown to CLDR, or another language)."""
    try:
        language = Locale.parse(chosen).language
    except (ValueError, UnknownLocaleError):
        return f"{chosen!r} is not a locale in Babel's CLDR data"
    if language != Locale.parse(locale).language:
        return f"{chosen!r} is not a form of {locale!r}"
    return None


def _layer_pack(layers: _Layers, pack: PackFile, dimension: Dimension) -> PackFile:
    """Add an agency's items to a shipped pack and take out the ones it retires."""
    if layers.agency is None:
        return pack
    collector = layers.collector
    path = layers.agency / dimension.value / "pack.toml"
    layer, index = collector.read_optional(path, AgencyPackFile)
    if layer is None:
        return pack
    added: list[tuple[str, Sequence[PromptItem | SuggestionItem]]] = [
        ("prompt", layer.prompt),
        ("suggestion", layer.suggestion),
    ]
    _check_items(layers, path, index, added, dimension)
    shipped_ids = {item.id for item in _items(pack)}
    gone = set()
    for position, retirement in enumerate(layer.retire):
        if retirement.id not in shipped_ids:
            line = index.line_of(("retire", position))
            collector.add(path, line, f"retire: no shipped item {retirement.id!r}")
            continue
        gone.add(retirement.id)
        layers.retired.append(Retired(path, retirement.id, retirement.reason))
    prompts = [p for p in pack.prompt if p.id not in gone]
    suggestions = [s for s in pack.suggestion if s.id not in gone]
    return pack.model_copy(
        update={
            "prompt": [*prompts, *layer.prompt],
            "suggestion": [*suggestions, *layer.suggestion],
        }
    )


def _translated(layers: _Layers, pack: PackFile, dimension: Dimension) -> PackFile:
    """Merge each enabled locale's translation files (shipped, then agency) into the pack texts."""
    texts = {key: dict(value) for key, value in _pack_texts(pack).items()}
    originals = {key: value.get(layers.source) for key, value in texts.items()}
    folders = [layers.root / dimension.value]
    if layers.agency is not None:
        folders.append(layers.agency / dimension.value)
    for locale in layers.locales:
        stale: set[str] = set()
        for folder in folders:
            path = folder / f"{locale}.toml"
            translation, index = layers.collector.read_optional(path, TranslationFile)
            if translation is not None:
                merge = _Merge(layers.collector, path, index, locale, texts, originals)
                stale |= merge.take(translation)
        missing = [
            key
            for key, value in texts.items()
            if locale not in value and layers.source in value and key not in stale
        ]
        _report_missing(layers.collector, folders[0] / f"{locale}.toml", locale, missing)
    return _with_texts(pack, texts)


def _items(pack: PackFile) -> list[PromptItem | SuggestionItem]:
    return [*pack.prompt, *pack.suggestion]


def _pack_texts(pack: PackFile) -> dict[str, dict[str, str]]:
    """Key every text as translations name it: ``<dim>|name``, item ids, ``<id>|keywords``."""
    dimension = pack.pack.dimension.value
    texts = {
        f"{dimension}{NAME_SUFFIX}": dict(pack.pack.name),
        f"{dimension}{BENEFIT_SUFFIX}": dict(pack.pack.benefit),
    }
    for item in _items(pack):
        texts[item.id] = dict(item.text)
        if isinstance(item, SuggestionItem):
            texts[item.id + KEYWORDS_SUFFIX] = {
                locale: keywords_text(words) for locale, words in item.keywords.items()
            }
    return texts


@dataclass
class _Merge:
    """Merge one translation file into a pack's texts, refusing stale entries and unknown ids."""

    collector: _Collector
    path: Path
    index: LineIndex
    locale: str
    texts: dict[str, dict[str, str]]
    originals: dict[str, str | None]

    def take(self, translation: TranslationFile) -> set[str]:
        """Take every current entry; report the stale ones together, with what to run."""
        stale = [
            key
            for key_path, key, text, made_from in self._entries(translation)
            if not self._take_one(key_path, key, text, made_from)
        ]
        if stale:
            self.collector.add(
                self.path,
                1,
                f"{len(stale)} stale {self.locale} text(s), the source changed after "
                f"translation: {_some(stale)}; update them (python -m bot packs export-po "
                f"{self.locale})",
            )
        return set(stale)

    def _entries(
        self, translation: TranslationFile
    ) -> Iterator[tuple[tuple[str, ...], str, str, str | None]]:
        dimension = self.path.parent.name
        for part, suffix in (("name", NAME_SUFFIX), ("benefit", BENEFIT_SUFFIX)):
            entry = getattr(translation, part)
            if entry is not None:
                yield (part,), dimension + suffix, entry.text, entry.source
        for item_id, item in translation.item.items():
            yield ("item", item_id), item_id, item.text, item.source
            if item.keywords:
                words = keywords_text(item.keywords)
                key = item_id + KEYWORDS_SUFFIX
                yield ("item", item_id, "keywords"), key, words, item.keywords_source

    def _take_one(
        self, key_path: tuple[str, ...], key: str, text: str, made_from: str | None
    ) -> bool:
        """Take one entry; return False only when it is stale."""
        if key not in self.texts:
            self.collector.add(
                self.path, self.index.line_of(key_path), f"{key}: no such text in the pack"
            )
            return True
        original = self.originals.get(key)
        if original is not None and made_from != source_hash(original):
            return False
        if not key.endswith(KEYWORDS_SUFFIX):
            for problem in _text_problems({self.locale: text}):
                self.collector.add(self.path, self.index.line_of(key_path), f"{key}: {problem}")
        self.texts[key][self.locale] = text
        return True


def _report_missing(collector: _Collector, path: Path, locale: str, missing: list[str]) -> None:
    if missing:
        collector.add(
            path,
            1,
            f"{len(missing)} {locale} text(s) missing: {_some(missing)}; translate them "
            f"(python -m bot packs export-po {locale}) or disable {locale} in locales.toml",
        )


def _some(keys: Sequence[str], shown: int = 5) -> str:
    head = ", ".join(keys[:shown])
    return head + (f" and {len(keys) - shown} more" if len(keys) > shown else "")


def _with_texts(pack: PackFile, texts: dict[str, dict[str, str]]) -> PackFile:
    """Rebuild a pack with every locale's texts merged in."""
    dimension = pack.pack.dimension.value
    manifest = pack.pack.model_copy(
        update={
            "name": texts[f"{dimension}{NAME_SUFFIX}"],
            "benefit": texts[f"{dimension}{BENEFIT_SUFFIX}"],
        }
    )
    prompts = [p.model_copy(update={"text": texts[p.id]}) for p in pack.prompt]
    suggestions = [
        s.model_copy(
            update={
                "text": texts[s.id],
                "keywords": {
                    locale: split_keywords(line)
                    for locale, line in texts[s.id + KEYWORDS_SUFFIX].items()
                },
            }
        )
        for s in pack.suggestion
    ]
    return pack.model_copy(update={"pack": manifest, "prompt": prompts, "suggestion": suggestions})


def _layered_contacts(
    collector: _Collector, root: Path, agency: Path | None, locales: Sequence[str]
) -> SafeguardingFile | None:
    """Shipped contacts per locale, replaced locale by locale by the agency's."""
    path = root / "safeguarding.toml"
    shipped, index = collector.read(path, SafeguardingFile)
    if shipped is None:
        return None
    contacts = dict(shipped.contacts)
    if agency is not None:
        overlay, _ = collector.read_optional(agency / "safeguarding.toml", SafeguardingFile)
        if overlay is not None:
            contacts.update(overlay.contacts)
    for locale in locales:
        if locale not in contacts:
            collector.add(
                path, index.line_of(("contacts",)), f"contacts: missing locale {locale!r}"
            )
    return SafeguardingFile(contacts=contacts)


def _add_judgement(
    judgement: LocaleJudgements, layers: _Layers, locale: str, words: WordBook
) -> None:
    """Hand a locale's judgement files over: unread when a full check proved these very bytes."""
    root, agency = layers.root, layers.agency
    paths = _judgement_paths(root, locale, agency)
    if not proving_everything() and all(path.is_file() for path in paths[:3]):
        digest = files_digest(locale, paths)
        if words.proved(locale, digest):
            judgement.add_unread(locale, partial(_read_proved_judgement, root, locale, agency))
            _list_retired(layers, paths[3:])
            return
    raw = _read_judgement(layers.collector, root, locale, agency, layers.retired)
    if raw is not None:
        judgement.add(locale, raw, layers.collector.add)


def _list_retired(layers: _Layers, overlays: list[Path]) -> None:
    """List what an agency's rules retire (a small file) without reading the shipped rules."""
    for path in overlays:
        layer, _ = layers.collector.read(path, AgencyRulesFile)
        retirements = layer.retire if layer is not None else []
        layers.retired.extend(Retired(path, item.id, item.reason) for item in retirements)


def _judgement_paths(root: Path, locale: str, agency: Path | None) -> list[Path]:
    """The files a locale's judgement is read from: the shipped three, then an agency's rules."""
    folder = root / "judgement" / locale
    paths = [folder / name for name in ("language.toml", "safeguarding.toml", "exemplars.toml")]
    overlay = agency / "judgement" / locale / "safeguarding.toml" if agency else None
    return [*paths, overlay] if overlay is not None and overlay.is_file() else paths


def _read_proved_judgement(root: Path, locale: str, agency: Path | None) -> RawJudgement:
    """Parse files the load left unread; a file edited since then fails loudly, not silently."""
    collector = _Collector(agency)
    raw = _read_judgement(collector, root, locale, agency, [])
    if raw is None or collector.issues:
        problems = "; ".join(str(issue) for issue in collector.issues)
        raise RuntimeError(f"judgement files of {locale!r} changed since start-up: {problems}")
    return raw


def _read_judgement(
    collector: _Collector, root: Path, locale: str, agency: Path | None, retired: list[Retired]
) -> RawJudgement | None:
    """Read a locale's rules, cues and exemplars; a shipped locale without them is an error."""
    folder = root / "judgement" / locale
    digest = (
        files_digest(locale, _judgement_paths(root, locale, agency))
        if all(path.is_file() for path in _judgement_paths(root, locale, None))
        else ""
    )
    language, language_index = collector.read(folder / "language.toml", LanguageFile)
    rules, rules_index = collector.read(folder / "safeguarding.toml", RiskRulesFile)
    exemplars, exemplars_index = collector.read(folder / "exemplars.toml", ExemplarsFile)
    if language is None or rules is None or exemplars is None:
        return None
    rules_source = SourceFile(folder / "safeguarding.toml", rules_index)
    if agency is not None:
        rules, rules_source = _layer_rules(collector, agency, locale, rules, rules_source, retired)
    return RawJudgement(
        language=language,
        rules=rules,
        exemplars=exemplars,
        language_source=SourceFile(folder / "language.toml", language_index),
        rules_source=rules_source,
        exemplars_source=SourceFile(folder / "exemplars.toml", exemplars_index),
        files_digest=digest,
    )


def _layer_rules(
    collector: _Collector,
    agency: Path,
    locale: str,
    rules: RiskRulesFile,
    shipped: SourceFile,
    retired: list[Retired],
) -> tuple[RiskRulesFile, SourceFile]:
    """Append an agency's rules and look-alikes; retire shipped ones only by explicit entry."""
    path = agency / "judgement" / locale / "safeguarding.toml"
    layer, index = collector.read_optional(path, AgencyRulesFile)
    if layer is None:
        return rules, shipped
    known = {item.id for item in rules.rule} | {item.id for item in rules.lookalike}
    gone = set()
    for position, retirement in enumerate(layer.retire):
        if retirement.id not in known:
            collector.add(
                path,
                index.line_of(("retire", position)),
                f"retire: no shipped rule {retirement.id!r}",
            )
            continue
        gone.add(retirement.id)
        retired.append(Retired(path, retirement.id, retirement.reason))
    added = [("rule", i, item.id) for i, item in enumerate(layer.rule)]
    added += [("lookalike", i, item.id) for i, item in enumerate(layer.lookalike)]
    for kind, position, item_id in added:
        if item_id in known:
            message = f"{kind} id {item_id!r} is shipped already; pick a new id"
            collector.add(path, index.line_of((kind, position)), message)
    kept_rules = [item for item in rules.rule if item.id not in gone]
    kept_lookalikes = [item for item in rules.lookalike if item.id not in gone]
    classes = {name: list(members) for name, members in rules.classes.items()}
    for name, members in layer.classes.items():
        classes[name] = [*classes.get(name, []), *members]
    merged = rules.model_copy(
        update={
            "classes": classes,
            "resolved": [*rules.resolved, *layer.resolved],
            "fiction": [*rules.fiction, *layer.fiction],
            "rule": [*kept_rules, *layer.rule],
            "lookalike": [*kept_lookalikes, *layer.lookalike],
        }
    )
    source = replace(
        shipped,
        overlay=SourceFile(path, index),
        offsets=(("rule", len(kept_rules)), ("lookalike", len(kept_lookalikes))),
    )
    return merged, source


def _check_pack(
    layers: _Layers, path: Path, index: LineIndex, pack: PackFile, dimension: Dimension
) -> None:
    """Cross-check one shipped pack: its folder, ids, source texts and text rules."""
    if pack.pack.dimension is not dimension:
        layers.collector.add(
            path,
            index.line_of(("pack", "dimension")),
            f"pack.dimension must be {dimension.value!r} in this folder",
        )
    names = {"pack.name": pack.pack.name, "pack.benefit": pack.pack.benefit}
    _check_source_present(layers.collector, path, index, layers.source, names)
    groups: list[tuple[str, Sequence[PromptItem | SuggestionItem]]] = [
        ("prompt", pack.prompt),
        ("suggestion", pack.suggestion),
    ]
    _check_items(layers, path, index, groups, dimension)


def _check_items(
    layers: _Layers,
    path: Path,
    index: LineIndex,
    groups: Sequence[tuple[str, Sequence[PromptItem | SuggestionItem]]],
    dimension: Dimension,
) -> None:
    """Ids unique and of the pack's dimension; source texts present and plain."""
    collector = layers.collector
    for kind, items in groups:
        for position, item in enumerate(items):
            key = (kind, position)
            # Lines are looked up only for a problem: finding one scans the whole file.
            if not item.id.startswith(f"{dimension.value}."):
                collector.add(
                    path,
                    index.line_of(key),
                    f"id {item.id!r} must start with '{dimension.value}.'",
                )
            if item.id in layers.seen_ids:
                also = layers.seen_ids[item.id]
                collector.add(
                    path, index.line_of(key), f"duplicate id {item.id!r} (also in {also})"
                )
            layers.seen_ids.setdefault(item.id, path)
            tables: dict[str, Mapping[str, object]] = {f"{kind}.{position}.text": item.text}
            if isinstance(item, SuggestionItem):
                tables[f"{kind}.{position}.keywords"] = item.keywords
            _check_source_present(collector, path, index, layers.source, tables)
            for problem in _text_problems(item.text):
                collector.add(path, index.line_of((*key, "text")), problem)


def _check_source_present(
    collector: _Collector,
    path: Path,
    index: LineIndex,
    source: str,
    tables: Mapping[str, Mapping[str, object]],
) -> None:
    """Every shipped text exists in the source locale: translations are made from it."""
    for where, table in tables.items():
        if source not in table:
            key = tuple(int(part) if part.isdigit() else part for part in where.split("."))
            collector.add(path, index.line_of(key), f"{where}: missing source locale {source!r}")


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
