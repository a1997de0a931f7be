"""One validation of everything the bot depends on: packs, rules, contacts and catalogs."""

from __future__ import annotations

from pathlib import Path

from bot.i18n import Catalogs, ParsedCatalogs
from bot.packs import toml
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
    content_dir: Path, locales_dir: Path, agency: Path | None = None
) -> tuple[ContentRegistry, Catalogs]:
    """Load content and catalogs (with an agency's layers), refusing both on any problem."""
    parsed: ParsedCatalogs = {}
    content, issues = _validate(content_dir, locales_dir, agency, parsed)
    if content is None or issues:
        raise ContentError(issues)
    overlay = agency / "locales" if agency is not None else None
    catalogs = Catalogs.load(locales_dir, only=content.locales, overlay=overlay, parsed=parsed)
    return content, catalogs.restricted_to(content.locales)


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
