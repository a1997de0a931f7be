"""Translations and locale-aware formatting, loaded from ``locales/`` with Babel."""

from __future__ import annotations

import gettext
from datetime import datetime, time
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DEFAULT_LOCALE = "en"
DOMAIN = "messages"


class Translator:
    """Everything a handler needs to speak one locale: gettext plus Babel formatting."""

    def __init__(self, locale: str, translations: gettext.NullTranslations) -> None:
        """Bind a locale code to its compiled catalog."""
        self.locale = locale
        self._babel = Locale.parse(locale)
        self._translations = translations

    def gettext(self, message: str) -> str:
        """Translate a message."""
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """Translate a message whose form depends on ``count``."""
        return self._translations.ngettext(singular, plural, count)

    def time(self, value: time) -> str:
        """Format a time of day the way this locale writes it."""
        return format_time(value, format="short", locale=self._babel)

    def datetime(self, value: datetime, zone: str) -> str:
        """Format an instant in the carer's timezone, e.g. 'Mon 3 Mar, 19:30'."""
        return format_datetime(
            value, format="EEE d MMM, HH:mm", tzinfo=ZoneInfo(zone), locale=self._babel
        )

    def weekday(self, index: int, width: str = "wide") -> str:
        """Return a weekday name (0 is Monday)."""
        return str(self._babel.days["format"][width][index])


class Catalogs:
    """All shipped catalogs, compiled in memory from the ``.po`` files at start-up."""

    def __init__(self, translators: dict[str, Translator]) -> None:
        """Keep one translator per locale."""
        self._translators = translators
        self.locales = tuple(sorted(translators))

    @classmethod
    def load(cls, root: Path) -> Catalogs:
        """Read every ``<root>/<locale>/LC_MESSAGES/messages.po``."""
        translators = {}
        for po_path in sorted(root.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
            locale = po_path.parent.parent.name
            translators[locale] = Translator(locale, _compile(po_path, locale))
        if DEFAULT_LOCALE not in translators:
            translators[DEFAULT_LOCALE] = Translator(DEFAULT_LOCALE, gettext.NullTranslations())
        return cls(translators)

    def restricted_to(self, locales: tuple[str, ...]) -> Catalogs:
        """Offer only languages the content packs also speak, so no carer meets a gap."""
        kept = {loc: tr for loc, tr in self._translators.items() if loc in locales}
        kept.setdefault(DEFAULT_LOCALE, self._translators[DEFAULT_LOCALE])
        return Catalogs(kept)

    def get(self, locale: str | None) -> Translator:
        """Return the translator for a locale, falling back to the default."""
        return self._translators.get(locale or DEFAULT_LOCALE, self._translators[DEFAULT_LOCALE])

    def negotiate(self, language_code: str | None) -> str:
        """Pick a shipped locale for Telegram's optional language code ('es-MX' -> 'es')."""
        return negotiate_locale(language_code, self.locales)


def _compile(po_path: Path, locale: str) -> gettext.GNUTranslations:
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def negotiate_locale(language_code: str | None, available: tuple[str, ...]) -> str:
    """Walk the fallback chain: exact match, then the bare language, then English."""
    if language_code:
        wanted = language_code.replace("-", "_")
        try:
            parsed = Locale.parse(wanted)
        except (ValueError, UnknownLocaleError):
            parsed = None
        candidates = [wanted, str(parsed) if parsed else wanted, wanted.split("_")[0]]
        for candidate in candidates:
            if candidate in available:
                return candidate
    return DEFAULT_LOCALE if DEFAULT_LOCALE in available or not available else available[0]
