"""One validation of everything the bot depends on: packs, rules, contacts and catalogs."""

from __future__ import annotations

import struct
from pathlib import Path

from bot.i18n import Catalogs, ParsedCatalogs, compile_catalogs
from bot.packs import toml
from bot.packs.catalog_cache import CatalogCache
from bot.packs.catalogs import check_catalogs
from bot.packs.loader import ContentError, PackIssue
from bot.packs.plans import load_plans
from bot.packs.registry import ContentRegistry


def validate_everything(
    content_dir: Path, locales_dir: Path, agency: Path | None = None
) -> list[PackIssue]:
    """List every problem in content and catalogs, so one run shows the whole repair job."""
    return _validate(content_dir, locales_dir, agency)[1]


def load_validated(
    content_dir: Path,
    locales_dir: Path,
    agency: Path | None = None,
    cache_dir: Path | None = None,
) -> tuple[ContentRegistry, Catalogs]:
    """Load content and catalogs (with an agency's layers), refusing both on any problem.

    Catalogs whose every input is byte for byte what passed a check before come compiled from
    ``cache_dir`` (see bot.packs.catalog_cache); anything else is checked now.
    """
    layer = agency / "content" if agency is not None else None
    overlay = agency / "locales" if agency is not None else None
    try:
        content = ContentRegistry.load(content_dir, agency=layer)
    except ContentError:
        raise ContentError(validate_everything(content_dir, locales_dir, agency)) from None
    plan_issues = load_plans(content_dir)[1]
    cache = CatalogCache(cache_dir) if cache_dir is not None else None
    key = cache.key(locales_dir, content.locales, overlay) if cache is not None else ""
    cached = cache.get(key) if cache is not None else None
    # A passing check compiled every enabled locale; an entry short of one is not trusted.
    complete = cached is not None and set(content.locales) <= set(cached)
    catalogs = _built(cached) if cached is not None and complete else None
    if catalogs is None:
        parsed: ParsedCatalogs = {}
        issues = [*plan_issues, *check_catalogs(locales_dir, content.locales, overlay, parsed)]
        if issues:
            raise ContentError(issues)
        compiled = compile_catalogs(locales_dir, content.locales, overlay, parsed)
        catalogs = Catalogs.from_compiled(compiled)
        if cache is not None:
            cache.put(key, compiled)
    elif plan_issues:
        raise ContentError(plan_issues)
    return content, catalogs.restricted_to(content.locales, content.formats)


def _built(compiled: dict[str, bytes]) -> Catalogs | None:
    """Build translators from cached data; a damaged file means checking again, not a crash."""
    try:
        return Catalogs.from_compiled(compiled)
    except (OSError, ValueError, IndexError, struct.error):
        return None


def layout_locales(content_dir: Path) -> tuple[str, ...]:
    """Read the enabled locales from ``locales.toml`` when the packs fail to load."""
    try:
        enabled = toml.loads((content_dir / "locales.toml").read_text(encoding="utf-8"))
    except (OSError, toml.TomlError):
        return ()
    locales = enabled.get("enabled", [])
    return tuple(str(locale) for locale in locales) if isinstance(locales, list) else ()


def _validate(
    content_dir: Path, locales_dir: Path, agency: Path | None, parsed: ParsedCatalogs | None = None
) -> tuple[ContentRegistry | None, list[PackIssue]]:
    """Check catalogs even when content fails, so catalog issues show up in the same run."""
    overlay = agency / "locales" if agency is not None else None
    layer = agency / "content" if agency is not None else None
    try:
        content = ContentRegistry.load(content_dir, agency=layer)
    except ContentError as error:
        locales = layout_locales(content_dir)
        plan_issues = load_plans(content_dir)[1]
        return None, [*error.issues, *plan_issues, *check_catalogs(locales_dir, locales, overlay)]
    _plans, plan_issues = load_plans(content_dir)
    catalog_issues = check_catalogs(locales_dir, content.locales, overlay, parsed)
    return content, [*plan_issues, *catalog_issues]
