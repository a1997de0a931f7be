"""Group calendars: which week of a programme a day falls in, the theme it sets, waking hours.

A group has a start date and, optionally, a plan: a sequence of weeks, each a dimension or a
rest week, with an optional note from the trainer. A trainer can also set one week's theme by
hand, which wins over the plan for that week. Weeks are counted from the start date in the
carer's own calendar, so a late joiner simply follows the group's current week.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.model import Dimension

WEEK = timedelta(days=7)
MAX_NOTE_LENGTH = 300
MAX_PLAN_WEEKS = 26
MAX_NAME_LENGTH = 60
WAKING_START = time(9, 0)
WAKING_END = time(20, 0)
DIGEST_EARLIEST = time(8, 0)
DIGEST_LATEST = time(12, 0)
MONDAY = 0


@dataclass(frozen=True)
class PlanWeek:
    """One week of a programme: a dimension to focus on (None for a rest week) and a note."""

    dimension: Dimension | None
    note: str = ""


@dataclass(frozen=True)
class GroupCalendar:
    """What a carer's membership of one group contributes to the theme of a day."""

    group_id: int
    start: date
    joined_at: datetime
    weeks: Sequence[PlanWeek] = ()
    overrides: Mapping[int, PlanWeek] = field(default_factory=dict)

    def week_index(self, day: date) -> int | None:
        """Return the programme week a local day falls in (0 = first), or None before start."""
        if day < self.start:
            return None
        return (day - self.start).days // 7

    def week(self, day: date) -> PlanWeek | None:
        """Return the week's theme: the trainer's own setting first, then the plan."""
        index = self.week_index(day)
        if index is None:
            return None
        if index in self.overrides:
            return self.overrides[index]
        return self.weeks[index] if index < len(self.weeks) else None


@dataclass(frozen=True)
class Theme:
    """The focus of a carer's prompts on one day, and which group set it."""

    group_id: int
    week: int
    week_start: date
    dimension: Dimension | None
    note: str


def theme_for(calendars: Sequence[GroupCalendar], day: date) -> Theme | None:
    """Return the day's theme; groups joined later win, so a clash follows the newest group.

    A group whose week sets a dimension wins over one that only has a note; a rest week sets
    nothing, and the normal rotation goes on.
    """
    newest_first = sorted(calendars, key=lambda c: (c.joined_at, c.group_id), reverse=True)
    themed = [(c, w) for c in newest_first if (w := c.week(day)) is not None]
    chosen = next(((c, w) for c, w in themed if w.dimension is not None), None)
    chosen = chosen or next(((c, w) for c, w in themed if w.note), None)
    if chosen is None:
        return None
    calendar, week = chosen
    index = calendar.week_index(day)
    assert index is not None
    return Theme(
        group_id=calendar.group_id,
        week=index,
        week_start=calendar.start + index * WEEK,
        dimension=week.dimension,
        note=week.note,
    )


def monday_of(day: date) -> date:
    """Return the Monday of the week a day is in."""
    return day - timedelta(days=day.weekday())


def local_day(instant: datetime, zone: ZoneInfo) -> date:
    """Return the calendar day an instant falls on in a zone."""
    return instant.astimezone(zone).date()


def start_of_local_day(day: date, zone: ZoneInfo) -> datetime:
    """Return the UTC instant a local day begins."""
    return datetime.combine(day, time(0, 0)).replace(tzinfo=zone).astimezone(UTC)


def next_waking_instant(now: datetime, zone: ZoneInfo) -> datetime:
    """Return now if it is daytime where the carer lives, else the next 09:00 local time."""
    local = now.astimezone(zone)
    if WAKING_START <= local.time() < WAKING_END:
        return now
    day = local.date() if local.time() < WAKING_START else local.date() + timedelta(days=1)
    return datetime.combine(day, WAKING_START).replace(tzinfo=zone).astimezone(UTC)


def digest_week_due(now: datetime, zone: ZoneInfo, last_sent: date | None) -> date | None:
    """Return the Monday whose digest is due now (Monday morning, local), unless already sent."""
    local = now.astimezone(zone)
    if local.weekday() != MONDAY or not DIGEST_EARLIEST <= local.time() < DIGEST_LATEST:
        return None
    return None if last_sent == local.date() else local.date()


def week_bounds(week_start: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Return the UTC instants a local seven-day week begins and ends."""
    return start_of_local_day(week_start, zone), start_of_local_day(week_start + WEEK, zone)
