"""Result objects services hand to handlers; plain data, never Telegram or database types."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from bot.domain.delivery import SendOutcome
from bot.domain.errors import DomainError
from bot.domain.model import AgeBand, Dimension, RiskLevel, Role, Strength, Tone
from bot.packs.registry import Suggestion
from bot.packs.schema import Contacts
from bot.storage.models import Carer


@dataclass(frozen=True)
class CarerView:
    """A carer's settings as the interface shows them."""

    id: int
    telegram_user_id: int
    chat_id: int
    locale: str
    role: Role | None
    age_band: AgeBand | None
    weekdays: frozenset[int]
    prompt_time: time
    timezone: str | None
    onboarded: bool
    paused: bool
    next_prompt_at: datetime | None

    @classmethod
    def of(cls, carer: Carer) -> CarerView:
        """Read a carer row."""
        assert carer.id is not None
        return cls(
            id=carer.id,
            telegram_user_id=carer.telegram_user_id,
            chat_id=carer.chat_id,
            locale=carer.locale,
            role=Role(carer.role) if carer.role else None,
            age_band=AgeBand(carer.age_band) if carer.age_band else None,
            weekdays=parse_weekdays(carer.weekdays),
            prompt_time=time.fromisoformat(carer.prompt_time),
            timezone=carer.timezone,
            onboarded=carer.onboarded_at is not None,
            paused=carer.paused,
            next_prompt_at=carer.next_prompt_at,
        )


def parse_weekdays(stored: str) -> frozenset[int]:
    """Read the stored comma-separated weekday numbers."""
    return frozenset(int(part) for part in stored.split(",") if part)


def format_weekdays(days: frozenset[int]) -> str:
    """Store weekday numbers as a sorted comma-separated string."""
    return ",".join(str(day) for day in sorted(days))


@dataclass(frozen=True)
class Assessment:
    """What the bot answers to a piece of text: a signpost or a suggestion."""

    risk: RiskLevel | None
    suggestion: Suggestion | None
    contacts: Contacts
    note: RiskLevel | None = None  # an unsure flag: the suggestion stands, with a short note
    dimension: Dimension | None = None
    inferred_dimension: bool = False
    tone: Tone | None = None  # kept only for group totals

    @property
    def flag(self) -> tuple[RiskLevel, Strength] | None:
        """Return the safeguarding flag raised, if any, with its strength."""
        if self.risk is not None:
            return self.risk, Strength.SIGNPOST
        if self.note is not None:
            return self.note, Strength.NOTE
        return None

    @classmethod
    def stored(
        cls,
        *,
        level: str | None,
        strength: str | None,
        suggestion: Suggestion | None,
        contacts: Contacts,
    ) -> Assessment:
        """Rebuild the reply given earlier from a stored reflection row."""
        flag = RiskLevel(level) if level else None
        unsure = strength == Strength.NOTE.value
        return cls(
            risk=None if unsure else flag,
            suggestion=suggestion,
            contacts=contacts,
            note=flag if unsure else None,
        )


@dataclass(frozen=True)
class ReflectionOutcome:
    """A stored reflection and the reply it earned."""

    carer: CarerView
    assessment: Assessment
    dimension: Dimension | None
    duplicate: bool = False


@dataclass(frozen=True)
class RevisionOutcome:
    """An edited reflection, stored; ``risk`` or ``note`` when the new text raised a flag."""

    carer: CarerView
    risk: RiskLevel | None
    contacts: Contacts
    note: RiskLevel | None = None
    continued: bool = False  # the text was the tail of a long paste Telegram split in two


@dataclass(frozen=True)
class Acknowledged:
    """The text only acknowledged ('ok', 'thanks', a thumbs up): nothing to keep or suggest."""

    carer: CarerView


@dataclass(frozen=True)
class UnkeptConcern:
    """A text the bot could not keep raised a safeguarding flag: its fixed reply still goes out.

    Someone not yet set up, a text typed where a time or a place was asked for, or one too long
    to keep is refused, and nothing of it is stored; but a worry in it must not wait for that.
    """

    locale: str
    level: RiskLevel
    strength: Strength
    contacts: Contacts
    refusal: DomainError  # what the text was told otherwise


@dataclass(frozen=True)
class SnoozeOutcome:
    """When a snoozed prompt will come back."""

    carer: CarerView
    due_at: datetime


@dataclass(frozen=True)
class JournalEntry:
    """One reflection as the journal lists it."""

    created_at: datetime
    dimension: Dimension | None
    prompt_id: str | None
    text: str
    risk: RiskLevel | None


@dataclass(frozen=True)
class JournalPage:
    """A page of reflections, newest first."""

    carer: CarerView
    entries: list[JournalEntry]
    page: int
    pages: int
    total: int


@dataclass
class SweepReport:
    """What one sweep of due prompts did; counts only, never content."""

    planned: int = 0
    sent: int = 0
    missed: int = 0
    failed: int = 0
    retried: int = 0
    ambiguous: int = 0
    unreachable: int = 0
    rejected: int = 0
    recovered: int = 0
    standby: bool = False  # another process holds the sender lock

    def count(self, outcome: SendOutcome) -> None:
        """Add one send outcome."""
        if outcome is SendOutcome.SENT:
            self.sent += 1
        elif outcome is SendOutcome.RETRY:
            self.retried += 1
        elif outcome is SendOutcome.AMBIGUOUS:
            self.ambiguous += 1
        else:
            self.failed += 1
            self.unreachable += outcome is SendOutcome.UNREACHABLE
            self.rejected += outcome is SendOutcome.REJECTED
