"""Catalogs parse, are complete, keep placeholders, and match the extracted template."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.config import PROJECT_ROOT
from bot.domain.model import Dimension
from bot.i18n import Catalogs, negotiate_locale
from bot.packs.registry import ContentRegistry

LOCALES = PROJECT_ROOT / "locales"
SHIPPED = sorted(path.name for path in LOCALES.iterdir() if path.is_dir())
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _catalog(locale: str) -> Catalog:
    with (LOCALES / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def _extracted_ids() -> set[object]:
    keywords = {"gettext": None, "ngettext": (1, 2)}
    return {
        message[2] if isinstance(message[2], str) else tuple(message[2])
        for message in extract_from_dir(str(PROJECT_ROOT / "bot"), keywords=keywords)
    }


def _ids(catalog: Catalog) -> set[object]:
    return {
        message.id if isinstance(message.id, str) else tuple(message.id)
        for message in catalog
        if message.id
    }


@pytest.mark.parametrize("locale", SHIPPED)
def test_catalog_is_complete_and_consistent(locale: str) -> None:
    """No errors, no fuzzy or empty entries, and the same {placeholders} as the msgid."""
    catalog = _catalog(locale)
    assert not list(catalog.check())
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        raw = message.string
        strings = [raw or ""] if raw is None or isinstance(raw, str) else list(raw)
        assert all(strings), f"{locale}: untranslated {ids[0]!r}"
        wanted = set(_PLACEHOLDER.findall(ids[0]))
        for string in strings:
            assert set(_PLACEHOLDER.findall(string)) == wanted, (locale, ids[0])


@pytest.mark.parametrize("locale", SHIPPED)
def test_catalog_covers_exactly_what_the_code_uses(locale: str) -> None:
    """Every gettext call in bot/ has an entry, and no entry is stale."""
    assert _ids(_catalog(locale)) == _extracted_ids()


def test_template_is_up_to_date() -> None:
    """locales/messages.pot matches a fresh extraction (run `make messages`)."""
    with (LOCALES / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    assert _ids(template) == _extracted_ids()


def test_every_content_locale_has_a_catalog() -> None:
    """A pack language without interface strings would greet carers in English."""
    content = ContentRegistry.load(PROJECT_ROOT / "content")
    assert set(content.locales) <= set(Catalogs.load(LOCALES).locales)


def test_spanish_plural_forms_follow_the_count() -> None:
    """ngettext picks singular and plural forms."""
    t = Catalogs.load(LOCALES).get("es")
    one = t.ngettext(
        "Your journal: {count} reflection. Page {page} of {pages}.",
        "Your journal: {count} reflections. Page {page} of {pages}.",
        1,
    )
    many = t.ngettext(
        "Your journal: {count} reflection. Page {page} of {pages}.",
        "Your journal: {count} reflections. Page {page} of {pages}.",
        5,
    )
    assert "reflexión." in one and "reflexiones." in many


def test_dates_and_weekdays_use_the_carers_locale() -> None:
    """Babel formats weekday names and times per locale."""
    from datetime import UTC, datetime, time

    catalogs = Catalogs.load(LOCALES)
    assert catalogs.get("es").weekday(2, "abbreviated") == "mié"
    assert catalogs.get("es").time(time(19, 30)) == "19:30"
    assert catalogs.get("en").time(time(19, 30)).replace("\u202f", " ") == "7:30 PM"
    moment = datetime(2026, 11, 23, 18, 30, tzinfo=UTC)
    assert catalogs.get("es").datetime(moment, "Europe/Madrid") == "lunes, 23 nov, 19:30"
    assert catalogs.get("en").datetime(moment, "Europe/Madrid") == "Monday, Nov 23, 7:30\u202fPM"


def test_languages_without_packs_are_not_offered() -> None:
    """A catalog for a locale the packs lack is dropped; English always stays."""
    catalogs = Catalogs.load(LOCALES).restricted_to(("es",))
    assert catalogs.locales == ("en", "es")
    assert Catalogs.load(LOCALES).restricted_to(("en",)).negotiate("es") == "en"


LANGUAGES = ("ar", "ckb", "en", "es", "fr", "it", "nb", "sv", "uk", "zh")


@pytest.mark.parametrize(
    ("telegram_code", "chosen"),
    [
        ("es-AR", "es"),
        ("ES", "es"),
        ("uk", "uk"),
        ("ar", "ar"),
        ("ar-IQ", "ar"),
        ("zh-hans", "zh"),
        ("zh-Hans-CN", "zh"),
        ("zh-TW", "zh"),
        ("nb", "nb"),
        ("no", "nb"),
        ("nn-NO", "nb"),
        ("ckb", "ckb"),
        ("ku", "ckb"),
        ("pt-BR", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_negotiation_fallback_chain(telegram_code: str | None, chosen: str) -> None:
    """Exact tag, then its language (and documented aliases), then English."""
    assert negotiate_locale(telegram_code, LANGUAGES) == chosen


def test_negotiation_only_offers_enabled_locales() -> None:
    """A language whose catalog is not enabled falls back to English."""
    catalogs = Catalogs.load(Path(LOCALES)).restricted_to(("en", "es"))
    assert catalogs.negotiate("uk") == "en"
    assert catalogs.negotiate("es-MX") == "es"


@pytest.mark.parametrize("locale", [locale for locale in SHIPPED if locale != "en"])
def test_every_translated_locale_has_a_glossary_naming_its_dimensions(locale: str) -> None:
    """Translators follow docs/glossary/<locale>.md; it must exist and use the packs' names."""
    glossary = PROJECT_ROOT / "docs" / "glossary" / f"{locale}.md"
    assert glossary.is_file(), f"no glossary for {locale}"
    text = glossary.read_text(encoding="utf-8")
    registry = ContentRegistry.load(PROJECT_ROOT / "content")
    missing = [
        name
        for dimension in Dimension
        if (name := registry.dimension_name(dimension, locale)) not in text
    ]
    assert missing == []
