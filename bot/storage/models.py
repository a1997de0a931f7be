"""SQLModel tables: carers, prompt deliveries, reflections, and the dispatch bookkeeping."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    Dialect,
    Index,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from bot.domain.pending import Pending, decode_pending, encode_pending


class UTCDateTime(TypeDecorator[datetime]):
    """Store instants as UTC and always hand back aware datetimes, on SQLite and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive values: every instant in this project is timezone-aware."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Attach UTC to what SQLite returns naive."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class PendingAnswer(TypeDecorator[Pending]):
    """Store what the carer's next typed message answers through its one codec."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Pending | None, dialect: Dialect) -> str | None:
        """Encode the typed value."""
        return encode_pending(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Pending | None:
        """Decode; an unreadable value means nothing is pending."""
        return decode_pending(value)


# The partial unique index on planned slots: scheduled rows only (snoozes and sends may share).
SCHEDULED_SLOT_INDEX = "uq_scheduled_slot"
SCHEDULED_ONLY = "kind = 'scheduled'"


def utc_now() -> datetime:
    """Return the current instant; only for row bookkeeping, never for scheduling decisions."""
    return datetime.now(UTC)


class Carer(SQLModel, table=True):
    """One person using the bot, with their onboarding answers and schedule."""

    __tablename__ = "carers"

    id: int | None = Field(default=None, primary_key=True)
    telegram_user_id: int = Field(sa_type=BigInteger, unique=True, index=True)
    chat_id: int = Field(sa_type=BigInteger)
    locale: str = Field(max_length=16)
    role: str | None = Field(default=None, max_length=20)
    age_band: str | None = Field(default=None, max_length=20)
    weekdays: str = Field(default="0,2,4", max_length=20)
    prompt_time: str = Field(default="19:30", max_length=5)
    timezone: str | None = Field(default=None, max_length=64)
    onboarded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    paused: bool = Field(default=False)
    # Why prompts stopped without the carer asking ("unreachable": Telegram refused them).
    pause_reason: str | None = Field(default=None, max_length=20)
    paused_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    next_prompt_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    awaiting: Pending | None = Field(default=None, sa_type=PendingAnswer)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class PromptDelivery(SQLModel, table=True):
    """One prompt planned for, or sent to, a carer; the outbox that makes sending exactly-once."""

    __tablename__ = "prompt_deliveries"
    # One row per scheduled slot: the database, not process memory, stops a slot being doubled.
    # PostgreSQL's copy of the predicate is added by describe_for_postgresql (see there).
    __table_args__ = (
        Index(
            SCHEDULED_SLOT_INDEX,
            "carer_id",
            "due_at",
            unique=True,
            sqlite_where=text(SCHEDULED_ONLY),
        ),
        Index("ix_prompt_deliveries_status_due_at", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    carer_id: int = Field(foreign_key="carers.id", index=True, ondelete="CASCADE")
    prompt_id: str = Field(max_length=80)
    dimension: str = Field(max_length=30)
    kind: str = Field(max_length=20)
    due_at: datetime = Field(sa_type=UTCDateTime, index=True)
    status: str = Field(max_length=20, index=True)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    telegram_message_id: int | None = Field(default=None, sa_type=BigInteger)
    # The sender's lease: a row in "sending" claimed longer ago than the lease is recovered.
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    last_error: str | None = Field(default=None, max_length=40)
    # A trainer's message (kind "broadcast"), or the theme note shown above a week's first prompt.
    broadcast_id: int | None = Field(
        default=None, foreign_key="broadcasts.id", index=True, ondelete="CASCADE"
    )
    note: str | None = Field(default=None, sa_type=Text)


class Reflection(SQLModel, table=True):
    """What a carer wrote, the suggestion they got, and whether a safeguarding rule fired."""

    __tablename__ = "reflections"
    __table_args__ = (
        UniqueConstraint("carer_id", "telegram_message_id", name="uq_reflection_message"),
        # Covers a carer's history newest first with the suggestion given: the last
        # suggestion and the per-suggestion counts are read from the index alone.
        Index("ix_reflections_carer_history", "carer_id", "created_at", "id", "suggestion_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    carer_id: int = Field(foreign_key="carers.id", index=True, ondelete="CASCADE")
    delivery_id: int | None = Field(
        default=None, foreign_key="prompt_deliveries.id", ondelete="SET NULL"
    )
    prompt_id: str | None = Field(default=None, max_length=80)
    dimension: str | None = Field(default=None, max_length=30)
    text: str = Field(sa_type=Text)
    locale: str = Field(max_length=16)
    telegram_message_id: int = Field(sa_type=BigInteger)
    suggestion_id: str | None = Field(default=None, max_length=80)
    risk_level: str | None = Field(default=None, max_length=20)
    # "signpost" (replaced the suggestion) or "note" (kept it, with a safeguarding note).
    risk_strength: str | None = Field(default=None, max_length=10)
    tone: str | None = Field(default=None, max_length=10)  # for group aggregates only
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)


class HandledUpdate(SQLModel, table=True):
    """A Telegram update already taken by a process; a redelivered copy is dropped."""

    __tablename__ = "handled_updates"

    update_id: int = Field(
        sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    received_at: datetime = Field(sa_type=UTCDateTime, index=True)


class RefusedChat(SQLModel, table=True):
    """A group or channel already told that the bot works in private chats only."""

    __tablename__ = "refused_chats"

    chat_id: int = Field(
        sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    refused_at: datetime = Field(sa_type=UTCDateTime)


class Trainer(SQLModel, table=True):
    """A trainer or supervising social worker an agency admin has made; sees aggregates only."""

    __tablename__ = "trainers"

    id: int | None = Field(default=None, primary_key=True)
    # Unknown until a trainer added by @username first opens /trainer.
    telegram_user_id: int | None = Field(default=None, sa_type=BigInteger, unique=True)
    username: str | None = Field(default=None, max_length=64, index=True)
    chat_id: int | None = Field(default=None, sa_type=BigInteger)
    display_name: str = Field(default="", max_length=64)
    locale: str = Field(default="en", max_length=16)
    timezone: str | None = Field(default=None, max_length=64)
    digest_enabled: bool = Field(default=True)
    last_digest_on: date | None = Field(default=None)
    # What the trainer's next typed message is for, e.g. "name:new" or "note:12:3".
    awaiting: str | None = Field(default=None, max_length=80)
    # The trainer command menu as last registered for this chat: "set", "cleared" or None.
    commands: str | None = Field(default=None, max_length=10)
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class TrainerInvite(SQLModel, table=True):
    """A one-time link an admin hands to a new trainer; only its hash is kept."""

    __tablename__ = "trainer_invites"

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class Plan(SQLModel, table=True):
    """A programme: weeks of themes, shipped (no trainer) or a trainer's own copy."""

    __tablename__ = "plans"

    id: int | None = Field(default=None, primary_key=True)
    trainer_id: int | None = Field(
        default=None, foreign_key="trainers.id", index=True, ondelete="CASCADE"
    )
    key: str | None = Field(default=None, max_length=40, unique=True)  # shipped plans only
    name: str = Field(max_length=60)
    weeks: str = Field(sa_type=Text)  # JSON: [{"dimension": "availability" | null, "note": ""}]
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class CareGroup(SQLModel, table=True):
    """A trainer's group of carers, with its programme calendar."""

    __tablename__ = "care_groups"

    id: int | None = Field(default=None, primary_key=True)
    trainer_id: int = Field(foreign_key="trainers.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=60)
    plan_id: int | None = Field(default=None, foreign_key="plans.id", ondelete="SET NULL")
    start_date: date = Field()
    archived_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class GroupInvite(SQLModel, table=True):
    """A join link for a group: unguessable, revocable, optionally expiring or capped."""

    __tablename__ = "group_invites"

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="care_groups.id", index=True, ondelete="CASCADE")
    code: str = Field(max_length=32, unique=True)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    max_uses: int | None = Field(default=None)
    uses: int = Field(default=0)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class GroupMember(SQLModel, table=True):
    """A carer's membership of a group; leaving ends it (it stops counting), /forget deletes it."""

    __tablename__ = "group_members"
    __table_args__ = (UniqueConstraint("group_id", "carer_id", name="uq_group_member"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="care_groups.id", index=True, ondelete="CASCADE")
    carer_id: int = Field(foreign_key="carers.id", index=True, ondelete="CASCADE")
    joined_at: datetime = Field(sa_type=UTCDateTime)
    # Kept after leaving so that weeks already reported never change: the carer counts only
    # while a member, and a report cannot be compared before and after they left.
    left_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class GroupTheme(SQLModel, table=True):
    """A trainer's own theme for one week of a group's calendar; wins over the plan's week."""

    __tablename__ = "group_themes"
    __table_args__ = (UniqueConstraint("group_id", "week", name="uq_group_week"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="care_groups.id", index=True, ondelete="CASCADE")
    week: int = Field()
    dimension: str | None = Field(default=None, max_length=30)
    note: str = Field(default="", sa_type=Text)


class GroupWeekReport(SQLModel, table=True):
    """A finished week's k-anonymous figures, frozen the first time they are read."""

    __tablename__ = "group_week_reports"
    __table_args__ = (UniqueConstraint("group_id", "week", name="uq_group_week_report"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="care_groups.id", index=True, ondelete="CASCADE")
    week: int = Field()
    figures: str = Field(sa_type=Text)  # JSON of the GroupReport: aggregates only
    frozen_at: datetime = Field(sa_type=UTCDateTime)


class Broadcast(SQLModel, table=True):
    """A short message a trainer sent to a group; each copy is a delivery of kind broadcast."""

    __tablename__ = "broadcasts"

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="care_groups.id", index=True, ondelete="CASCADE")
    text: str = Field(sa_type=Text)
    created_at: datetime = Field(sa_type=UTCDateTime)
    # Set when the trainer confirms the preview; a draft is never sent.
    queued_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    recipients: int = Field(default=0)


def describe_for_postgresql() -> None:
    """Give the partial index its PostgreSQL predicate, when a PostgreSQL engine is made.

    Naming ``postgresql_where`` in the model would import that dialect in every process
    (40 ms of a SQLite start-up); the migrations create the index, this keeps the model true.
    """
    table = PromptDelivery.__table__  # type: ignore[attr-defined]
    index = next(index for index in table.indexes if index.name == SCHEDULED_SLOT_INDEX)
    index.dialect_options["postgresql"]["where"] = text(SCHEDULED_ONLY)
