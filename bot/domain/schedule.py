"""Calendar maths for prompt times: local wall-clock schedules that survive DST changes."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.domain.errors import (
    InvalidTimeError,
    NoDaysChosenError,
    TooLateTodayError,
    UnknownTimezoneError,
)

QUIET_WINDOW = timedelta(hours=2)
LATER_TODAY_DELAY = timedelta(hours=3)
LATEST_SNOOZE_LOCAL = time(21, 0)
SHORTEST_SNOOZE = timedelta(minutes=30)
DEFAULT_WEEKDAYS = frozenset({0, 2, 4})  # Monday, Wednesday, Friday: about three a week
DEFAULT_TIME = time(19, 30)

_TIME_PATTERN = re.compile(
    r"^\s*(?P<hour>\d{1,2})(?:\s*[:.h\u066b]\s*(?P<minute>\d{2}))?\s*(?P<half>[ap]\.?\s*m\.?)?\s*$",
    re.IGNORECASE,
)
_ARABIC_MARKS = re.compile("[\u064b-\u0652]")  # harakat, often left out when typing


def parse_local_time(text: str, day_periods: Mapping[str, str] | None = None) -> time:
    """Read a time of day typed by a carer: '9', '09:30', '21.15', '7pm', '7:30 a.m.'.

    ``day_periods`` maps the carer's language's words for parts of the day to "am", "pm" or
    "night", so a time typed the way people write it there is read too ('٨:١٥ م', '下午7:30',
    '晚上8点半', '9 ليلاً', '7 вечора'). Digits of any script and full-width colons count.
    """
    clock, period = _split_day_period(text, day_periods or {})
    match = _TIME_PATTERN.match(clock)
    if not match:
        raise InvalidTimeError(text)
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    half = (match["half"] or period or "").lower()
    if half == "night":  # nine at night is 21:00, two at night is 02:00
        half = "pm" if 6 <= hour <= 11 else "am"
    if half:
        if not 1 <= hour <= 12:
            raise InvalidTimeError(text)
        hour = hour % 12 + (12 if half.startswith("p") else 0)
    if hour > 23 or minute > 59:
        raise InvalidTimeError(text)
    return time(hour, minute)


# Chinese writes the hour with 点 (or 时) and half past with 半: 8点, 8点30分, 8点半.
_HAN_CLOCK = (("点半", ":30"), ("點半", ":30"), ("时半", ":30"), ("時半", ":30"),
              ("点", ":"), ("點", ":"), ("时", ":"), ("時", ":"), ("分", ""))  # fmt: skip


def _split_day_period(text: str, day_periods: Mapping[str, str]) -> tuple[str, str | None]:
    """Fold width, marks and Han hour words; take out the first part-of-day word found."""
    folded = _ARABIC_MARKS.sub("", unicodedata.normalize("NFKC", text))
    for han, latin in _HAN_CLOCK:
        folded = folded.replace(han, latin)
    folded = folded.strip().rstrip(":")
    for word in sorted(day_periods, key=len, reverse=True):
        bare = _ARABIC_MARKS.sub("", unicodedata.normalize("NFKC", word))
        if bare and bare in folded:
            return folded.replace(bare, " ", 1).strip().rstrip(":"), day_periods[word]
    return folded, None


def resolve_timezone(
    name: str,
    places: Mapping[str, str] | None = None,
    towns: Callable[[str], str | None] | None = None,
) -> ZoneInfo:
    """Return the zone a carer named: an IANA id, a city in their language or English, a town.

    ``places`` maps cities as ``place_key`` folds them ("ciudad de mexico", "київ") to IANA
    ids, in the carer's language; English city names come from the ids themselves ("new york").
    ``towns`` is asked last, for a town no zone is named after ("Manchester", "北京").
    Case, accents, and spaces or underscores do not matter.
    """
    place = place_key(name)
    key = (
        _zone_keys().get(name.strip().replace(" ", "_").casefold())
        or (places or {}).get(place)
        or _english_cities().get(place)
        or (towns(name) if towns is not None else None)
    )
    if key is None:
        raise UnknownTimezoneError(name)
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError) as exc:  # pragma: no cover - listed zones load
        raise UnknownTimezoneError(name) from exc


def place_key(name: str) -> str:
    """Fold a typed place name for lookup: no case, accents, underscores or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", name.replace("_", " "))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


@cache
def _zone_keys() -> dict[str, str]:
    """Map case-folded IANA names to their keys; listing zones reads the disk, so once."""
    return {zone.casefold(): zone for zone in available_timezones()}


# IANA areas whose zones are named after a city (not "Etc/GMT+5" or "US/Pacific").
_CITY_AREAS = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/",
               "Europe/", "Indian/", "Pacific/")  # fmt: skip


@cache
def _english_cities() -> dict[str, str]:
    """Map each zone's city ("new york", "london") to its id; the current id wins a tie."""
    cities: dict[str, str] = {}
    for zone in sorted(available_timezones(), key=lambda zone: (zone.count("/"), zone)):
        if zone.startswith(_CITY_AREAS):
            cities.setdefault(place_key(zone.rsplit("/", 1)[1]), zone)
    return cities


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """Return the UTC instant of a wall-clock time on a local date.

    A time inside a spring-forward gap moves forward by the gap; a time repeated at fall-back
    means its first occurrence. Either way each local date yields exactly one instant.
    """
    local = datetime.combine(day, at).replace(tzinfo=zone, fold=0)
    return local.astimezone(UTC)


def next_prompt_at(
    *, after: datetime, weekdays: Collection[int], at: time, zone: ZoneInfo
) -> datetime:
    """Return the first scheduled instant strictly after ``after`` (UTC in, UTC out)."""
    if not weekdays:
        raise NoDaysChosenError()
    start = after.astimezone(zone).date()
    for offset in range(8):
        day = start + timedelta(days=offset)
        if day.weekday() in weekdays:
            candidate = local_to_utc(day, at, zone)
            if candidate > after:
                return candidate
    raise AssertionError("a week always contains a chosen weekday")  # pragma: no cover


def missed_quiet_window(*, due: datetime, now: datetime) -> bool:
    """Tell whether a prompt is now too late to send: better skipped than sent at night."""
    return now - due > QUIET_WINDOW


def later_today(*, now: datetime, zone: ZoneInfo) -> datetime:
    """Return the 'later today' snooze time: a few hours on, but never after the evening."""
    latest = local_to_utc(now.astimezone(zone).date(), LATEST_SNOOZE_LOCAL, zone)
    candidate = min(now + LATER_TODAY_DELAY, latest)
    if candidate - now < SHORTEST_SNOOZE:
        raise TooLateTodayError()
    return candidate


def tomorrow_at(*, now: datetime, at: time, zone: ZoneInfo) -> datetime:
    """Return the carer's usual prompt time on the next local day."""
    return local_to_utc(now.astimezone(zone).date() + timedelta(days=1), at, zone)
