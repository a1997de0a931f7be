"""Pack translations beside their source: hashes that spot stale ones, PO files for translators.

Each ``content/<dimension>/<locale>.toml`` holds one locale's texts of one pack, each with the
hash of the source-language text it was translated from. ``export-po`` writes every pack text
of a locale as one PO file (item id as context) for Weblate, Crowdin or Poedit; ``import-po``
writes a translated PO file back into the layer it came from, refusing texts that break rules.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, write_po

from bot.domain.model import Dimension
from bot.packs import toml
from bot.packs.schema import MAX_TEXT_LENGTH

KEYWORDS_SUFFIX = "|keywords"
NAME_SUFFIX = "|name"
BENEFIT_SUFFIX = "|benefit"
_MARKUP = re.compile(r"<[^>]*>|[{}]")
# The layer a PO file was exported from rides in Project-Id-Version, which every PO tool keeps.
_PROJECT = "securebase-bot packs, {layer} layer"
_LAYER = re.compile(r"securebase-bot packs, (\w+) layer")


def source_hash(text: str) -> str:
    """Fingerprint a source text; a translation made from another text is stale."""
    canonical = unicodedata.normalize("NFC", text.strip())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def keywords_text(keywords: tuple[str, ...] | list[str]) -> str:
    """Show keywords as translators edit them: one comma-separated line."""
    return ", ".join(keywords)


def split_keywords(text: str) -> list[str]:
    """Read a translator's comma-separated keyword line back (Chinese and Arabic commas too)."""
    return [word.strip() for word in re.split(r"[,\u060c\uff0c\u3001]", text) if word.strip()]


@dataclass
class SourceTexts:
    """One pack's source-language texts, keyed as the PO contexts name them."""

    dimension: Dimension
    texts: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Translation:
    """One translated text and the source hash it was made from."""

    text: str
    source: str


def read_translations(path: Path) -> dict[str, Translation]:
    """Read a translation file into PO-context keys (no validation: the loader does that)."""
    if not path.is_file():
        return {}
    data = toml.loads(path.read_text(encoding="utf-8"))
    found: dict[str, Translation] = {}
    dimension = path.parent.name
    for part, suffix in (("name", NAME_SUFFIX), ("benefit", BENEFIT_SUFFIX)):
        entry = data.get(part)
        if isinstance(entry, dict):
            found[dimension + suffix] = Translation(entry["text"], entry["source"])
    for item_id, entry in data.get("item", {}).items():
        found[item_id] = Translation(entry["text"], entry["source"])
        if entry.get("keywords"):
            found[item_id + KEYWORDS_SUFFIX] = Translation(
                keywords_text(entry["keywords"]), entry.get("keywords_source", "")
            )
    return found


def write_translations(
    path: Path, locale: str, dimension: str, found: Mapping[str, Translation]
) -> None:
    """Write one pack's translations in a stable order, as the loader reads them."""
    lines = [
        f"# {dimension} pack, {locale}: python -m bot packs export-po / import-po maintain it;",
        "# `source` is the hash of the text each translation was made from (docs/translation.md).",
        "",
    ]
    for part, suffix in (("name", NAME_SUFFIX), ("benefit", BENEFIT_SUFFIX)):
        entry = found.get(dimension + suffix)
        if entry is not None:
            lines += [f"[{part}]", f"text = {_toml(entry.text)}", f'source = "{entry.source}"', ""]
    item_ids = sorted(
        {
            key.removesuffix(KEYWORDS_SUFFIX)
            for key in found
            if "|" not in key.removesuffix(KEYWORDS_SUFFIX)
        }
    )
    for item_id in item_ids:
        entry = found.get(item_id)
        if entry is None:
            continue
        lines += [
            f'[item."{item_id}"]',
            f"text = {_toml(entry.text)}",
            f'source = "{entry.source}"',
        ]
        keywords = found.get(item_id + KEYWORDS_SUFFIX)
        if keywords is not None:
            words = ", ".join(_toml(word) for word in split_keywords(keywords.text))
            lines += [f"keywords = [{words}]", f'keywords_source = "{keywords.source}"']
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def _toml(text: str) -> str:
    """Quote a string as a TOML basic string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def export_po(
    sources: list[SourceTexts],
    folder_of: Mapping[Dimension, Path],
    locale: str,
    layer: str,
    fallback_of: Mapping[Dimension, Path] | None = None,
) -> bytes:
    """Write every pack text as a PO catalog: stale translations fuzzy, missing ones empty.

    For an agency layer, ``fallback_of`` names the shipped folders: texts the agency has not
    changed are shown with the shipped translation, so translators see the whole pack.
    """
    catalog = Catalog(locale=locale, project=_PROJECT.format(layer=layer), fuzzy=False)
    for pack in sources:
        current = _layered(pack.dimension, locale, folder_of, fallback_of)
        for key, source in pack.texts.items():
            found = current.get(key)
            fresh = found is not None and found.source == source_hash(source)
            catalog.add(
                source,
                string=found.text if found else "",
                context=key,
                auto_comments=[pack.comments.get(key, "")] if pack.comments.get(key) else [],
                flags=() if fresh or found is None else ("fuzzy",),
            )
    buffer = BytesIO()
    write_po(buffer, catalog, width=99, include_previous=False)
    return buffer.getvalue()


@dataclass(frozen=True)
class ImportProblem:
    """A PO entry that cannot be imported, at its line."""

    line: int
    message: str

    def render(self, path: Path) -> str:
        """Show as ``file:line: message``."""
        return f"{path}:{self.line}: {self.message}"


@dataclass
class ImportResult:
    """What an import would write: per dimension, the merged translations; and the problems."""

    locale: str
    layer: str
    merged: dict[Dimension, dict[str, Translation]] = field(default_factory=dict)
    problems: list[ImportProblem] = field(default_factory=list)
    written: int = 0
    skipped_fuzzy: int = 0


def read_layer(data: bytes) -> str | None:
    """Return the content layer named in an exported PO file's header."""
    match = _LAYER.search(data.decode("utf-8", errors="replace"))
    return match[1] if match else None


def _layered(
    dimension: Dimension,
    locale: str,
    folder_of: Mapping[Dimension, Path],
    fallback_of: Mapping[Dimension, Path] | None,
) -> dict[str, Translation]:
    found = read_translations(fallback_of[dimension] / f"{locale}.toml") if fallback_of else {}
    found.update(read_translations(folder_of[dimension] / f"{locale}.toml"))
    return found


def import_po(
    data: bytes,
    sources: list[SourceTexts],
    folder_of: Mapping[Dimension, Path],
    fallback_of: Mapping[Dimension, Path] | None = None,
) -> ImportResult:
    """Check a translated PO file against the current sources; merge it into the translations."""
    try:
        catalog = read_po(BytesIO(data), abort_invalid=True)
    except (PoFileError, ValueError) as exc:
        result = ImportResult(locale="", layer="")
        result.problems.append(
            ImportProblem(getattr(exc, "lineno", 0) + 1, f"not a PO file: {exc}")
        )
        return result
    locale = str(catalog.locale) if catalog.locale else ""
    result = ImportResult(locale=locale, layer=read_layer(data) or "")
    if not locale:
        result.problems.append(ImportProblem(1, "the header names no Language"))
        return result
    source_of = {
        key: (pack.dimension, text) for pack in sources for key, text in pack.texts.items()
    }
    merged = {
        pack.dimension: dict(read_translations(folder_of[pack.dimension] / f"{locale}.toml"))
        for pack in sources
    }
    shipped = {
        pack.dimension: read_translations(fallback_of[pack.dimension] / f"{locale}.toml")
        if fallback_of
        else {}
        for pack in sources
    }
    for message in catalog:
        if not message.id or not message.context or not isinstance(message.string, str):
            continue
        if not message.string:
            continue
        problem = _entry_problem(message.context, message.id, message.string, source_of)
        if problem:
            result.problems.append(ImportProblem(message.lineno or 1, problem))
            continue
        if message.fuzzy:
            result.skipped_fuzzy += 1
            continue
        dimension, source = source_of[message.context]
        translation = Translation(message.string.strip(), source_hash(source))
        if fallback_of and shipped[dimension].get(message.context) == translation:
            continue  # the agency layer keeps only what differs from the shipped text
        merged[dimension][message.context] = translation
        result.written += 1
    result.merged = merged
    return result


def _entry_problem(
    key: str, source: object, text: str, source_of: Mapping[str, tuple[Dimension, str]]
) -> str | None:
    """Say why an entry cannot be imported: unknown id, changed source, or a broken text."""
    if key not in source_of:
        return f"{key}: no such text in the packs"
    if source != source_of[key][1]:
        return f"{key}: the source text has changed since export; export again"
    problem = _text_problem(key, text)
    return f"{key}: {problem}" if problem else None


def _text_problem(key: str, text: str) -> str | None:
    """Refuse what would break a pack: markup, placeholders, blank or over-long texts."""
    if key.endswith(KEYWORDS_SUFFIX):
        words = split_keywords(text)
        if not words:
            return "no keywords"
        too_long = [word for word in words if len(word) > 60]
        return f"keyword longer than 60 characters: {too_long[0]!r}" if too_long else None
    if text != text.strip():
        return "no leading or trailing whitespace"
    if _MARKUP.search(text):
        return "no markup or placeholders; texts are sent as plain text"
    if len(text) > MAX_TEXT_LENGTH:
        return f"{len(text)} characters; at most {MAX_TEXT_LENGTH}"
    return None


def stale_keys(
    translations: Mapping[str, Translation], sources: Mapping[str, str]
) -> Iterator[str]:
    """Name the translations whose source text changed after they were made."""
    for key, translation in translations.items():
        source = sources.get(key)
        if source is not None and translation.source != source_hash(source):
            yield key
