"""A restart reuses catalogs that passed the check; any changed byte has them checked again."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages import pofile

from bot.config import PROJECT_ROOT
from bot.packs import catalogs as catalog_check
from bot.packs.catalog_cache import PREFIX, CatalogCache
from bot.packs.loader import ContentError
from bot.packs.validate import load_validated

CONTENT = PROJECT_ROOT / "content"
LOCALES = PROJECT_ROOT / "locales"
EXAMPLE = PROJECT_ROOT / "docs" / "agency-example"
ADOPTER = 'msgid "Adopter"\nmsgstr "Familia adoptiva"'


class ParseRecorder:
    """Stands in for Babel's read_po in the check, recording each catalog it is asked for."""

    def __init__(self) -> None:
        """Start with no reads."""
        self.read: list[str] = []

    def __call__(self, fileobj: object, *args: object, **kwargs: object) -> object:
        """Record the read and parse as Babel would."""
        self.read.append(str(kwargs.get("locale")))
        return pofile.read_po(fileobj, *args, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    """A copy of the shipped catalogs that a test may edit."""
    return Path(shutil.copytree(LOCALES, tmp_path / "locales"))


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> ParseRecorder:
    """Record every catalog the start-up check parses."""
    recorder = ParseRecorder()
    monkeypatch.setattr(catalog_check, "read_po", recorder)
    return recorder


def _spanish(locales: Path) -> Path:
    return locales / "es" / "LC_MESSAGES" / "messages.po"


def test_a_restart_with_the_same_catalogs_skips_the_parse_and_speaks_the_same(
    locales: Path, tmp_path: Path, parses: ParseRecorder
) -> None:
    """The first start checks every catalog; the second parses none and translates alike."""
    cache = tmp_path / "cache"
    _, first = load_validated(CONTENT, locales, cache_dir=cache)
    checked = len(parses.read)
    _, second = load_validated(CONTENT, locales, cache_dir=cache)

    assert checked >= 10
    assert len(parses.read) == checked
    assert len(list(cache.glob(f"{PREFIX}*"))) == 1
    assert second.locales == first.locales
    for locale in first.locales:
        assert second.get(locale).gettext("Adopter") == first.get(locale).gettext("Adopter")
    assert second.get("es").gettext("Adopter") == "Familia adoptiva"


def test_a_changed_catalog_is_checked_again_and_its_fault_refuses_the_start(
    locales: Path, tmp_path: Path
) -> None:
    """A renamed placeholder after a clean start is still caught at the next start."""
    cache = tmp_path / "cache"
    load_validated(CONTENT, locales, cache_dir=cache)
    spanish = _spanish(locales)
    text = spanish.read_text(encoding="utf-8")
    spanish.write_text(
        text.replace("llama ahora al {emergency_number}.", "llama ahora al {numero}.", 1),
        encoding="utf-8",
    )

    with pytest.raises(ContentError) as error:
        load_validated(CONTENT, locales, cache_dir=cache)
    assert any("{numero}" in str(issue) for issue in error.value.issues)


def test_a_reworded_translation_is_served_at_the_next_start(locales: Path, tmp_path: Path) -> None:
    """A valid edit gives a new key: the new wording is checked, compiled and used."""
    cache = tmp_path / "cache"
    load_validated(CONTENT, locales, cache_dir=cache)
    spanish = _spanish(locales)
    text = spanish.read_text(encoding="utf-8")
    assert ADOPTER in text
    spanish.write_text(text.replace(ADOPTER, 'msgid "Adopter"\nmsgstr "Madre o padre adoptivo"'))

    _, catalogs = load_validated(CONTENT, locales, cache_dir=cache)
    assert catalogs.get("es").gettext("Adopter") == "Madre o padre adoptivo"


def test_an_agency_overlay_is_part_of_the_key(tmp_path: Path) -> None:
    """The same shipped catalogs with and without an agency's wording are cached apart."""
    cache = CatalogCache(tmp_path / "cache")
    enabled = ("en", "es")
    assert cache.key(LOCALES, enabled, None) != cache.key(LOCALES, enabled, EXAMPLE / "locales")
    assert cache.key(LOCALES, enabled, None) != cache.key(LOCALES, ("en",), None)


def _truncate(path: Path) -> None:
    path.write_bytes(b"\x00\x01")


@pytest.mark.parametrize("damage", [_truncate, Path.unlink], ids=["truncated", "missing"])
def test_a_damaged_or_incomplete_cache_entry_means_checking_again(
    locales: Path, tmp_path: Path, parses: ParseRecorder, damage: Callable[[Path], None]
) -> None:
    """A truncated or missing .mo is never served: Spanish carers never fall back to English."""
    cache = tmp_path / "cache"
    load_validated(CONTENT, locales, cache_dir=cache)
    (entry,) = cache.glob(f"{PREFIX}*")
    damage(entry / "es.mo")
    before = len(parses.read)

    _, catalogs = load_validated(CONTENT, locales, cache_dir=cache)
    assert len(parses.read) > before
    assert catalogs.get("es").gettext("Adopter") == "Familia adoptiva"


def test_a_cache_folder_that_cannot_be_written_still_starts(locales: Path, tmp_path: Path) -> None:
    """A read-only deployment checks at every start instead of failing."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")

    _, catalogs = load_validated(CONTENT, locales, cache_dir=blocker / "cache")
    assert catalogs.get("es").gettext("Adopter") == "Familia adoptiva"
