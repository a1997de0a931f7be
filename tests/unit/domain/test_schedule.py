"""Schedule maths: local wall-clock times across DST in several zones."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import (
    InvalidTimeError,
    NoDaysChosenError,
    TooLateTodayError,
    UnknownTimezoneError,
)
from bot.domain.schedule import (
    later_today,
    missed_quiet_window,
    next_prompt_at,
    parse_local_time,
    place_key,
    resolve_timezone,
    tomorrow_at,
)

MON_WED_FRI = frozenset({0, 2, 4})
EVERY_DAY = frozenset(range(7))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("9", time(9)),
        ("09:30", time(9, 30)),
        ("21.15", time(21, 15)),
        ("7pm", time(19)),
        ("7:30 a.m.", time(7, 30)),
        ("12am", time(0)),
        ("12 PM", time(12)),
        ("20h05", time(20, 5)),
    ],
)
def test_parse_local_time_accepts_common_forms(typed: str, expected: time) -> None:
    """Carers type times in many ways."""
    assert parse_local_time(typed) == expected


@pytest.mark.parametrize("typed", ["", "25:00", "10:75", "13pm", "soon", "9:5"])
def test_parse_local_time_rejects_nonsense(typed: str) -> None:
    """Anything that is not a time of day is refused, not guessed."""
    with pytest.raises(InvalidTimeError):
        parse_local_time(typed)


ARABIC = {"ص": "am", "م": "pm", "صباحًا": "am", "مساءً": "pm"}
CHINESE = {"上午": "am", "下午": "pm", "晚上": "pm", "凌晨": "night"}


@pytest.mark.parametrize(
    ("typed", "periods", "expected"),
    [
        ("٨:١٥ م", ARABIC, time(20, 15)),  # as the bot itself writes an Arabic time
        ("8 مساء", ARABIC, time(20, 0)),  # the wide word, typed without its tanween
        ("٧:٣٠ ص", ARABIC, time(7, 30)),
        ("下午7:30", CHINESE, time(19, 30)),
        ("晚上8点半", CHINESE, time(20, 30)),  # evening, the hour word, half past
        ("凌晨3点", CHINESE, time(3, 0)),  # small hours: a night word before six is morning
        ("9 ليلاً", {"ليلاً": "night"}, time(21, 0)),  # nine at night
        ("19：30", {}, time(19, 30)),  # a full-width colon from a Chinese keyboard
    ],
)
def test_a_time_typed_in_the_carers_own_script_is_read(
    typed: str, periods: dict[str, str], expected: time
) -> None:
    """Digits of any script and the language's am/pm words, given by Babel through i18n."""
    assert parse_local_time(typed, periods) == expected


def test_resolve_timezone_ignores_case_and_spaces() -> None:
    """'america/new york' is America/New_York."""
    assert resolve_timezone("america/new york").key == "America/New_York"
    with pytest.raises(UnknownTimezoneError):
        resolve_timezone("Europa/Madrid")


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("london", "Europe/London"),
        ("Bogotá", "America/Bogota"),
        ("los_angeles", "America/Los_Angeles"),
    ],
)
def test_a_city_name_is_enough_in_english_any_case_and_accents(typed: str, zone: str) -> None:
    """The city part of an IANA id names the zone; accents and underscores do not matter."""
    assert resolve_timezone(typed).key == zone


def test_the_carers_language_names_a_city_its_own_way() -> None:
    """Localised names come in as folded places; an unknown city is still refused."""
    places = {place_key("Ciudad de México"): "America/Mexico_City"}
    assert resolve_timezone("ciudad de mexico", places).key == "America/Mexico_City"
    with pytest.raises(UnknownTimezoneError):
        resolve_timezone("Atlantis", places)


def test_next_prompt_is_strictly_after_now_on_a_chosen_day() -> None:
    """At 19:30 exactly the next slot is Wednesday's."""
    london = ZoneInfo("Europe/London")
    monday = datetime(2026, 11, 23, 19, 30, tzinfo=UTC)
    assert next_prompt_at(after=monday, weekdays=MON_WED_FRI, at=time(19, 30), zone=london) == (
        datetime(2026, 11, 25, 19, 30, tzinfo=UTC)
    )


def test_no_days_is_an_error() -> None:
    """A schedule without days cannot be computed."""
    with pytest.raises(NoDaysChosenError):
        next_prompt_at(
            after=datetime(2026, 1, 1, tzinfo=UTC),
            weekdays=frozenset(),
            at=time(9),
            zone=ZoneInfo("UTC"),
        )


@pytest.mark.parametrize(
    ("zone", "before", "after_change"),
    [
        # London: BST ends 25 Oct 2026.
        (
            "Europe/London",
            datetime(2026, 10, 24, 18, 30, tzinfo=UTC),
            datetime(2026, 10, 25, 19, 30, tzinfo=UTC),
        ),
        # New York: EDT ends 1 Nov 2026.
        (
            "America/New_York",
            datetime(2026, 10, 31, 23, 30, tzinfo=UTC),
            datetime(2026, 11, 2, 0, 30, tzinfo=UTC),
        ),
        # Sydney: AEDT starts 4 Oct 2026 (southern hemisphere, clocks go forward).
        (
            "Australia/Sydney",
            datetime(2026, 10, 3, 9, 30, tzinfo=UTC),
            datetime(2026, 10, 4, 8, 30, tzinfo=UTC),
        ),
    ],
)
def test_local_time_is_kept_across_dst(
    zone: str, before: datetime, after_change: datetime
) -> None:
    """19:30 local stays 19:30 local on both sides of a change; the UTC instant moves."""
    tz = ZoneInfo(zone)
    first = next_prompt_at(
        after=before - timedelta(hours=1), weekdays=EVERY_DAY, at=time(19, 30), zone=tz
    )
    assert first == before
    second = next_prompt_at(after=first, weekdays=EVERY_DAY, at=time(19, 30), zone=tz)
    assert second == after_change
    assert first.astimezone(tz).time() == second.astimezone(tz).time() == time(19, 30)


def test_time_in_the_spring_forward_gap_moves_forward_once() -> None:
    """02:30 does not exist in Madrid on 29 March 2026: the prompt comes at 03:30, once."""
    madrid = ZoneInfo("Europe/Madrid")
    due = next_prompt_at(
        after=datetime(2026, 3, 28, 12, tzinfo=UTC),
        weekdays=EVERY_DAY,
        at=time(2, 30),
        zone=madrid,
    )
    assert due == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert due.astimezone(madrid).time() == time(3, 30)
    following = next_prompt_at(after=due, weekdays=EVERY_DAY, at=time(2, 30), zone=madrid)
    assert following == datetime(2026, 3, 30, 0, 30, tzinfo=UTC)


def test_repeated_time_at_fall_back_is_sent_once() -> None:
    """01:30 happens twice in New York on 1 Nov 2026; only the first is scheduled."""
    new_york = ZoneInfo("America/New_York")
    due = next_prompt_at(
        after=datetime(2026, 10, 31, 12, tzinfo=UTC),
        weekdays=EVERY_DAY,
        at=time(1, 30),
        zone=new_york,
    )
    assert due == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    following = next_prompt_at(after=due, weekdays=EVERY_DAY, at=time(1, 30), zone=new_york)
    assert following == datetime(2026, 11, 2, 6, 30, tzinfo=UTC)


def test_quiet_window_is_two_hours() -> None:
    """Exactly two hours late still goes; a second more does not."""
    due = datetime(2026, 1, 5, 19, 30, tzinfo=UTC)
    assert not missed_quiet_window(due=due, now=due.replace(hour=21))
    assert missed_quiet_window(due=due, now=due.replace(hour=21, second=1))


def test_later_today_is_capped_at_nine_in_the_evening() -> None:
    """Three hours on, but never after 21:00 local, and refused when that is too close."""
    madrid = ZoneInfo("Europe/Madrid")
    assert later_today(now=datetime(2026, 1, 5, 10, tzinfo=UTC), zone=madrid) == (
        datetime(2026, 1, 5, 13, tzinfo=UTC)
    )
    assert later_today(now=datetime(2026, 1, 5, 18, tzinfo=UTC), zone=madrid) == (
        datetime(2026, 1, 5, 20, tzinfo=UTC)
    )
    with pytest.raises(TooLateTodayError):
        later_today(now=datetime(2026, 1, 5, 19, 45, tzinfo=UTC), zone=madrid)


def test_tomorrow_keeps_the_usual_local_time_across_dst() -> None:
    """Snoozing to tomorrow on the night clocks change keeps 19:30 local."""
    london = ZoneInfo("Europe/London")
    assert tomorrow_at(
        now=datetime(2026, 10, 24, 19, tzinfo=UTC), at=time(19, 30), zone=london
    ) == datetime(2026, 10, 25, 19, 30, tzinfo=UTC)


def test_a_town_no_zone_is_named_after_is_asked_last() -> None:
    """IANA ids and city names win; only then the towns lookup; still refused if it fails."""
    asked: list[str] = []

    def towns(name: str) -> str | None:
        asked.append(name)
        return "Europe/London" if name == "Manchester" else None

    assert resolve_timezone("Manchester", {}, towns).key == "Europe/London"
    assert resolve_timezone("london", {}, towns).key == "Europe/London"
    assert asked == ["Manchester"]
    with pytest.raises(UnknownTimezoneError):
        resolve_timezone("Atlantis", {}, towns)
