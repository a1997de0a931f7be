"""What trainer screens show: plain values, never rows, never a carer's identity or words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.errors import DomainError
from bot.domain.group_report import GroupReport
from bot.domain.programme import PlanWeek


@dataclass(frozen=True)
class Visitor:
    """Who is opening trainer tools, as their Telegram account describes them."""

    user_id: int
    chat_id: int
    name: str
    username: str | None = None
    language_code: str | None = None


@dataclass(frozen=True)
class TrainerView:
    """A trainer's own settings."""

    id: int
    display_name: str
    locale: str
    timezone: str
    digest_enabled: bool
    chat_id: int | None


@dataclass(frozen=True)
class InviteView:
    """A group's live join link."""

    code: str
    expires_at: datetime | None
    max_uses: int | None
    uses: int


@dataclass(frozen=True)
class PlanView:
    """A programme plan: shipped (``key`` set) or the trainer's own."""

    id: int
    name: str
    key: str | None
    own: bool
    weeks: tuple[PlanWeek, ...]


@dataclass(frozen=True)
class GroupView:
    """A group as its trainer sees it: counts and calendar, nobody's identity."""

    id: int
    name: str
    members: int
    archived: bool
    start: date
    week: int | None  # the current programme week (0 = first), None before the start
    this_week: PlanWeek | None
    next_week: PlanWeek | None
    plan: PlanView | None
    invite: InviteView | None


@dataclass(frozen=True)
class Hub:
    """The trainer's home: their groups."""

    trainer: TrainerView
    groups: tuple[GroupView, ...]


@dataclass(frozen=True)
class GroupScreen:
    """One group's page."""

    trainer: TrainerView
    group: GroupView


@dataclass(frozen=True)
class ThemeScreen:
    """Choosing the theme of one programme week."""

    trainer: TrainerView
    group: GroupView
    week: int
    current: PlanWeek | None


@dataclass(frozen=True)
class PlansScreen:
    """The plans a trainer can use; with a group, tapping one assigns it."""

    trainer: TrainerView
    plans: tuple[PlanView, ...]
    group: GroupView | None = None


@dataclass(frozen=True)
class PlanScreen:
    """One plan's weeks, editable when it is the trainer's own."""

    trainer: TrainerView
    plan: PlanView


@dataclass(frozen=True)
class BroadcastPreview:
    """A draft message, shown exactly as carers will see it, before the trainer confirms."""

    trainer: TrainerView
    group: GroupView
    broadcast_id: int
    text: str
    recipients: int


@dataclass(frozen=True)
class BroadcastQueued:
    """A confirmed message: how many carers it goes to, and when."""

    trainer: TrainerView
    group: GroupView
    recipients: int


@dataclass(frozen=True)
class ReportScreen:
    """A group's figures for one programme week."""

    trainer: TrainerView
    group: GroupView
    week: int
    week_start: date
    report: GroupReport


@dataclass(frozen=True)
class Typing:
    """The bot asked the trainer to type something; ``ask`` says what."""

    trainer: TrainerView
    ask: str  # "group_name", "rename", "note", "broadcast", "plan_note", "plan_name", "timezone"
    group: GroupView | None = None


@dataclass(frozen=True)
class Rejected:
    """Typed text that could not be used; the bot asks again."""

    trainer: TrainerView
    error: DomainError
    ask: str


TrainerScreen = (
    Hub
    | GroupScreen
    | ThemeScreen
    | PlansScreen
    | PlanScreen
    | BroadcastPreview
    | BroadcastQueued
    | ReportScreen
    | Typing
    | Rejected
)


@dataclass(frozen=True)
class JoinPreview:
    """What a carer sees before joining: the group, its trainer, and what the trainer sees."""

    group_id: int
    code: str
    group_name: str
    trainer_name: str
    week: int | None
    this_week: PlanWeek | None
    already_member: bool


@dataclass(frozen=True)
class CarerGroup:
    """One of a carer's groups on their /groups page."""

    id: int
    name: str
    trainer_name: str
    week: int | None
    this_week: PlanWeek | None
    sets_theme: bool  # this group's theme is the one the carer's prompts follow now
    clashes: bool  # another group of theirs has a different theme this week


@dataclass(frozen=True)
class TrainerCreated:
    """What the admin command made or found."""

    id: int
    telegram_user_id: int | None
    username: str | None
    display_name: str
    active: bool
    groups: int = 0


# The screens, for telling a trainer's screen from a carer's result at run time.
TRAINER_SCREEN_TYPES = (
    Hub,
    GroupScreen,
    ThemeScreen,
    PlansScreen,
    PlanScreen,
    BroadcastPreview,
    BroadcastQueued,
    ReportScreen,
    Typing,
    Rejected,
)
