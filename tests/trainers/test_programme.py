"""Group calendars as pure functions of the day: weeks, themes, clashes, daytime, digests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.domain.model import Dimension
from bot.domain.programme import (
    GroupCalendar,
    PlanWeek,
    digest_week_due,
    next_waking_instant,
    theme_for,
)

MONDAY = date(2026, 11, 23)
PLAN = (PlanWeek(None), PlanWeek(Dimension.AVAILABILITY), PlanWeek(Dimension.SENSITIVITY))


def calendar(group: int, joined_day: int, **kwargs: object) -> GroupCalendar:
    joined = datetime(2026, 11, joined_day, tzinfo=UTC)
    return GroupCalendar(group_id=group, start=MONDAY, joined_at=joined, **kwargs)  # type: ignore[arg-type]


def test_weeks_count_from_the_start_and_a_rest_week_sets_no_dimension() -> None:
    cal = calendar(1, 1, weeks=PLAN)
    assert cal.week_index(date(2026, 11, 22)) is None
    assert theme_for([cal], MONDAY) is None  # a rest week without a note: normal rotation
    theme = theme_for([cal], date(2026, 12, 6))
    assert theme is not None and theme.week == 1 and theme.dimension is Dimension.AVAILABILITY
    assert theme.week_start == date(2026, 11, 30)
    assert theme_for([cal], date(2026, 12, 14)) is None  # after the plan: rotation again


def test_a_trainers_own_week_wins_over_the_plan() -> None:
    cal = calendar(1, 1, weeks=PLAN, overrides={1: PlanWeek(Dimension.ACCEPTANCE, "Praise")})
    theme = theme_for([cal], date(2026, 12, 1))
    assert theme is not None and theme.dimension is Dimension.ACCEPTANCE and theme.note == "Praise"


def test_a_clash_follows_the_group_joined_last() -> None:
    first = calendar(1, 1, overrides={0: PlanWeek(Dimension.COOPERATION)})
    last = calendar(2, 20, overrides={0: PlanWeek(Dimension.SENSITIVITY)})
    resting = calendar(3, 22, overrides={0: PlanWeek(None, "Enjoy the week off")})
    theme = theme_for([first, last, resting], MONDAY)
    assert theme is not None and theme.group_id == 2 and theme.dimension is Dimension.SENSITIVITY


def test_messages_wait_for_daytime_where_the_carer_lives() -> None:
    sydney = ZoneInfo("Australia/Sydney")
    at_night = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # 23:00 in Sydney
    sent = next_waking_instant(at_night, sydney).astimezone(sydney)
    assert (sent.date(), sent.hour) == (date(2026, 11, 24), 9)
    daytime = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # 12:00 in London
    assert next_waking_instant(daytime, ZoneInfo("Europe/London")) == daytime


def test_the_digest_is_due_once_on_monday_morning_local_time() -> None:
    zone = ZoneInfo("America/New_York")
    monday_9am = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    assert digest_week_due(monday_9am, zone, None) == MONDAY
    assert digest_week_due(monday_9am, zone, MONDAY) is None
    sunday = datetime(2026, 11, 22, 14, 0, tzinfo=UTC)
    assert digest_week_due(sunday, zone, None) is None
