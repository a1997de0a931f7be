"""Translations and locale-aware formatting, loaded from ``locales/`` with Babel."""

from __future__ import annotations

import gettext
import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime, time
from functools import cached_property
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import (
    format_datetime,
    format_skeleton,
    format_time,
    get_timezone_location,
    match_skeleton,
)
from babel.lists import format_list
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_percent

from bot.domain.schedule import place_key

DEFAULT_LOCALE = "en"
DOMAIN = "messages"
# Catalogs already parsed by the start-up check, by path, handed on so each is read once.
ParsedCatalogs = dict[Path, Catalog]
# Unicode bidi controls: first-strong isolate, pop isolate, right-to-left mark.
FSI, PDI, RLM = "\u2068", "\u2069", "\u200f"
# IANA renames whose translated city names CLDR keeps under the former id.
CLDR_ZONE_NAMES = {"Europe/Kyiv": "Europe/Kiev", "Asia/Kolkata": "Asia/Calcutta"}
_COMMAND = re.compile(r"(?<![\w/])/[a-z_]+")
# CLDR's day periods as the part of the day a typed hour belongs to ("midnight" is left out).
_HALF_OF_DAY = {
    "am": "am",
    "morning": "am",
    "pm": "pm",
    "noon": "pm",
    "afternoon": "pm",
    "evening": "pm",
    "night": "night",
}
# A quoted literal in a CLDR pattern, or a run of abbreviated weekday letters outside one.
_LITERAL_OR_WEEKDAY = re.compile(r"'[^']*'|(?<!E)E{1,3}(?!E)|(?<!c)c{1,3}(?!c)")


class IsolatingText(str):
    """A right-to-left message whose ``format`` isolates every inserted value.

    A Latin name, a number, a time or a link inside Arabic-script text keeps its own
    direction and cannot flip the paragraph around it.
    """

    def format(self, *args: object, **kwargs: object) -> str:
        """Fill the placeholders, each value wrapped in FSI ... PDI."""
        return str.format(
            self, *(isolate(a) for a in args), **{k: isolate(v) for k, v in kwargs.items()}
        )


def isolate(value: object) -> str:
    """Wrap a value in a first-strong isolate (U+2068 ... U+2069)."""
    return f"{FSI}{value}{PDI}"


def _starts_right_to_left(text: str) -> bool:
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in {"R", "AL"}:
            return True
        if direction == "L" or char == "{":
            return False
    return False


def right_to_left(message: str) -> IsolatingText:
    """Prepare a translated message for a right-to-left reader.

    Commands such as /journal are isolated; a message that would not begin with
    right-to-left text gets a right-to-left mark first, so Telegram lays it out from the right.
    """
    text = _COMMAND.sub(lambda m: isolate(m[0]), message)
    return IsolatingText(text if _starts_right_to_left(text) else RLM + text)


class Translator:
    """Everything a handler needs to speak one locale: gettext plus Babel formatting."""

    def __init__(
        self, locale: str, translations: gettext.NullTranslations, formats: str | None = None
    ) -> None:
        """Bind a locale code to its compiled catalog; ``formats`` names its regional CLDR data.

        Words come from the catalog; dates, times, lists and city names from ``formats``
        (``en_GB``: "Monday 23 Nov, 19:30"), or from the bare language when it is not given.
        """
        self.locale = locale
        self._babel = Locale.parse(formats or locale)
        self._translations = translations

    def formatted_as(self, formats: str | None) -> Translator:
        """The same words with another region's dates, times and lists."""
        return Translator(self.locale, self._translations, formats)

    @cached_property
    def rtl(self) -> bool:
        """Tell whether the locale reads right to left (asked of its CLDR data on first use)."""
        return bool(self._babel.text_direction == "rtl")

    def gettext(self, message: str) -> str:
        """Translate a message (isolating inserted values in right-to-left locales)."""
        return self._directed(self._translations.gettext(message))

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """Translate a message whose form depends on ``count`` (CLDR plural rules)."""
        return self._directed(self._translations.ngettext(singular, plural, count))

    def _directed(self, message: str) -> str:
        return right_to_left(message) if self.rtl else message

    def time(self, value: time) -> str:
        """Format a time of day the way this locale writes it."""
        return format_time(value, format="short", locale=self._babel)

    def datetime(self, value: datetime, zone: str) -> str:
        """Format an instant in the carer's timezone with this locale's own clock: one per text."""
        local = value.astimezone(ZoneInfo(zone))
        day = format_datetime(local, self._day_in_prose, locale=self._babel)
        pattern = str(self._babel.datetime_formats["short"])
        return pattern.replace("{1}", day).replace("{0}", self.time(local.timetz()))

    @cached_property
    def _day_in_prose(self) -> str:
        """The locale's weekday-month-day pattern, weekday written out: 'el martes, 24 nov'.

        An abbreviated weekday reads oddly inside a sentence ('el mar, 24 nov': 'mar' is also
        'sea'), so the CLDR pattern for the skeleton ``MMMEd`` gets the full weekday name.
        """
        skeletons = self._babel.datetime_skeletons
        pattern = str(skeletons[match_skeleton("MMMEd", skeletons)].pattern)
        return _LITERAL_OR_WEEKDAY.sub(lambda m: m[0] if m[0].startswith("'") else "EEEE", pattern)

    def day(self, value: date) -> str:
        """Format a calendar day briefly ('23 Nov', '23 nov', '11月23日')."""
        return str(format_skeleton("MMMd", value, locale=self._babel))

    def percent(self, value: float) -> str:
        """Format a share the way this locale writes percentages."""
        return str(format_percent(value, locale=self._babel))

    @cached_property
    def zones_by_city(self) -> dict[str, str]:
        """Map this locale's city names ("ciudad de mexico", "київ") to IANA ids, for typing."""
        current = {former: zone for zone, former in CLDR_ZONE_NAMES.items()}
        return {
            place_key(names["city"]): current.get(zone, zone)
            for zone, names in self._babel.time_zones.items()
            if "city" in names
        }

    @cached_property
    def day_periods(self) -> dict[str, str]:
        """This locale's own words for parts of the day ('م', '下午', 'вечора'), for typed times.

        Each maps to "am", "pm" or "night" (CLDR's morning, afternoon and evening, night).
        Latin ones ('am', 'p.m.') are read anyway, and one-letter forms would match any 'a'.
        """
        words: dict[str, str] = {}
        for context in self._babel.day_periods.values():
            for width in context.values():
                for period, word in width.items():
                    half = _HALF_OF_DAY.get(period.rstrip("12"))
                    if half and not word.isascii():
                        words.setdefault(word, half)
        return words

    def zone_name(self, zone: str) -> str:
        """Name a timezone by its city in this locale ('Ciudad de México', not the IANA id)."""
        # CLDR keeps some cities under their former IANA name, which Babel's alias table skips.
        former = CLDR_ZONE_NAMES.get(zone)
        city = self._babel.time_zones.get(former, {}).get("city") if former else None
        if city:
            return str(city)
        try:
            city = str(get_timezone_location(zone, locale=self._babel, return_city=True))
        except LookupError:
            city = zone
        # With no name of its own in CLDR, a city is derived from the id: keep only the city
        # ("Buenos Aires", not "Argentina/Buenos Aires").
        return city.rsplit("/", maxsplit=1)[-1].replace("_", " ")

    def join(self, items: list[str]) -> str:
        """Join a list the way this locale does ('A, B and C', 'A، وB وC', 'A、B和C')."""
        return format_list(items, style="standard", locale=self._babel) if items else ""

    def weekday(self, index: int, width: str = "wide") -> str:
        """Return a weekday name (0 is Monday)."""
        return str(self._babel.days["format"][width][index])


class Catalogs:
    """All shipped catalogs, compiled in memory from the ``.po`` files at start-up."""

    def __init__(self, translators: dict[str, Translator], order: tuple[str, ...] = ()) -> None:
        """Keep one translator per locale, offered in ``order`` (then alphabetically)."""
        self._translators = translators
        first = tuple(loc for loc in dict.fromkeys(order) if loc in translators)
        self.locales = first + tuple(sorted(set(translators) - set(first)))

    @classmethod
    def load(
        cls,
        root: Path,
        only: tuple[str, ...] | None = None,
        overlay: Path | None = None,
        parsed: ParsedCatalogs | None = None,
    ) -> Catalogs:
        """Read ``<root>/<locale>/LC_MESSAGES/messages.po`` (of ``only`` those locales).

        An agency's ``overlay`` folder holds partial catalogs whose entries replace the shipped
        wording ("resource parent" for "foster carer") without copying the whole catalog.
        Catalogs in ``parsed`` (read by the check a moment before) are taken from there, once.
        """
        return cls.from_compiled(compile_catalogs(root, only, overlay, parsed))

    @classmethod
    def from_compiled(cls, compiled: Mapping[str, bytes]) -> Catalogs:
        """Build translators from compiled ``.mo`` data, one per locale."""
        translators = {
            locale: Translator(locale, gettext.GNUTranslations(BytesIO(data)))
            for locale, data in compiled.items()
        }
        if DEFAULT_LOCALE not in translators:
            translators[DEFAULT_LOCALE] = Translator(DEFAULT_LOCALE, gettext.NullTranslations())
        return cls(translators)

    def restricted_to(
        self, locales: tuple[str, ...], formats: Mapping[str, str] | None = None
    ) -> Catalogs:
        """Offer only languages the content packs also speak, so no carer meets a gap.

        ``formats`` gives a language its region's conventions (content/locales.toml).
        """
        formats = formats or {}
        kept = {
            loc: tr.formatted_as(formats[loc]) if loc in formats else tr
            for loc, tr in self._translators.items()
            if loc in locales
        }
        kept.setdefault(DEFAULT_LOCALE, self._translators[DEFAULT_LOCALE])
        return Catalogs(kept, order=(DEFAULT_LOCALE, *locales))

    def get(self, locale: str | None) -> Translator:
        """Return the translator for a locale, falling back to the default."""
        return self._translators.get(locale or DEFAULT_LOCALE, self._translators[DEFAULT_LOCALE])

    def cities(self, locale: str) -> Mapping[str, str]:
        """City names in a locale, folded, to IANA ids (what a carer may type)."""
        return self.get(locale).zones_by_city

    def day_periods(self, locale: str) -> Mapping[str, str]:
        """A locale's words for am and pm, for reading a typed time."""
        return self.get(locale).day_periods

    def negotiate(self, language_code: str | None) -> str:
        """Pick a shipped locale for Telegram's optional language code ('es-MX' -> 'es')."""
        return negotiate_locale(language_code, self.locales)


def compile_catalogs(
    root: Path,
    only: tuple[str, ...] | None = None,
    overlay: Path | None = None,
    parsed: ParsedCatalogs | None = None,
) -> dict[str, bytes]:
    """Compile each locale's catalog (of ``only`` those), the agency's over it, to .mo data."""
    parsed = parsed if parsed is not None else {}
    compiled = {}
    for po_path in sorted(root.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        locale = po_path.parent.parent.name
        if only is not None and locale not in only:
            continue
        agency = overlay / locale / "LC_MESSAGES" / f"{DOMAIN}.po" if overlay else None
        compiled[locale] = _compile(po_path, locale, agency, parsed)
    return compiled


def _compile(po_path: Path, locale: str, agency: Path | None, parsed: ParsedCatalogs) -> bytes:
    """Compile the shipped catalog, with the agency's rewordings over it, to .mo data."""
    catalog = _parsed(po_path, locale, parsed)
    if agency is not None and agency.is_file():
        for message in _parsed(agency, locale, parsed):
            shipped = catalog.get(message.id, context=message.context)
            if shipped is not None and message.string and not message.fuzzy:
                shipped.string = message.string
    buffer = BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def _parsed(po_path: Path, locale: str, parsed: ParsedCatalogs) -> Catalog:
    """Take the check's parse of this file (once: compiling changes it), or read it now."""
    catalog = parsed.pop(po_path, None)
    if catalog is None:
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
    return catalog


# Telegram's language codes that name a shipped locale by another name (docs/languages.md):
# Norwegian and Nynorsk readers get Bokmål; Kurdish ("ku") in Iraq is mostly Sorani; every
# written Chinese gets Simplified, which Traditional readers can follow better than English.
LANGUAGE_ALIASES = {"no": "nb", "nn": "nb", "ku": "ckb", "zh_hant": "zh", "zh_hans": "zh"}


def negotiate_locale(language_code: str | None, available: tuple[str, ...]) -> str:
    """Walk the fallback chain: exact tag, its language and script, the bare language, English."""
    for candidate in _candidates(language_code):
        for name in (candidate, LANGUAGE_ALIASES.get(candidate)):
            if name in available:
                return name
    return DEFAULT_LOCALE if DEFAULT_LOCALE in available or not available else available[0]


def _candidates(language_code: str | None) -> list[str]:
    """'zh-Hans-CN' -> zh_hans_cn, zh_hans, zh; 'es-MX' -> es_mx, es (all lower case)."""
    if not language_code:
        return []
    parts = language_code.replace("-", "_").lower().split("_")
    return ["_".join(parts[:size]) for size in range(len(parts), 0, -1)]
