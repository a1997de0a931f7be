"""One validation of everything the bot depends on: packs, rules, contacts and catalogs."""

from __future__ import annotations

from pathlib import Path

from bot.i18n import Catalogs
from bot.packs.catalogs import check_catalogs
from bot.packs.loader import ContentError, PackIssue
from bot.packs.registry import ContentRegistry


def validate_everything(content_dir: Path, locales_dir: Path) -> list[PackIssue]:
    """List every problem in content and catalogs, so one run shows the whole repair job."""
    return _validate(content_dir, locales_dir)[1]


def load_validated(content_dir: Path, locales_dir: Path) -> tuple[ContentRegistry, Catalogs]:
    """Load content and catalogs, refusing both (ContentError) when anything is wrong."""
    content, issues = _validate(content_dir, locales_dir)
    if content is None or issues:
        raise ContentError(issues)
    return content, Catalogs.load(locales_dir).restricted_to(content.locales)


def layout_locales(content_dir: Path) -> tuple[str, ...]:
    """Read the locales from ``judgement/<locale>/`` folders when the packs fail to load."""
    folder = content_dir / "judgement"
    if not folder.is_dir():
        return ()
    return tuple(sorted(path.name for path in folder.iterdir() if path.is_dir()))


def _validate(
    content_dir: Path, locales_dir: Path
) -> tuple[ContentRegistry | None, list[PackIssue]]:
    """Check catalogs even when content fails, so catalog issues show up in the same run."""
    try:
        content = ContentRegistry.load(content_dir)
    except ContentError as error:
        return None, [*error.issues, *check_catalogs(locales_dir, layout_locales(content_dir))]
    return content, check_catalogs(locales_dir, content.locales)
