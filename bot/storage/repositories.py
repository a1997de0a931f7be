"""Keyword-only queries; every write that may race between processes is a compare-and-set."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, TypedDict

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Insert,
    ScalarSelect,
    Select,
    String,
    Table,
    and_,
    bindparam,
    delete,
    func,
    insert,
    literal,
    literal_column,
    or_,
    text,
    type_coerce,
    update,
)
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from bot.domain import delivery as delivery_state
from bot.domain.pending import SUPERSEDED_BY_A_PROMPT, Pending
from bot.storage.dialects import postgresql_insert
from bot.storage.models import (
    SCHEDULED_ONLY,
    Carer,
    GroupMember,
    HandledUpdate,
    PromptDelivery,
    Reflection,
    RefusedChat,
)

USED_STATUSES = delivery_state.USED
OPEN_STATUSES = (delivery_state.PENDING, delivery_state.SENDING)
BROADCAST = "broadcast"  # a trainer's message: a delivery, but not a prompt
NOT_COUNTED_KINDS = ("snooze", BROADCAST)  # re-sends and messages do not use up a prompt


def get_carer_by_telegram_id(*, session: Session, telegram_user_id: int) -> Carer | None:
    """Return the carer for a Telegram user, if they have started the bot."""
    return session.exec(select(Carer).where(Carer.telegram_user_id == telegram_user_id)).first()


def carer_locales(*, session: Session) -> list[str]:
    """Return every language some carer uses (what start-up compiles ahead of need)."""
    return list(session.exec(select(Carer.locale).distinct()).all())


def get_carer(*, session: Session, carer_id: int) -> Carer | None:
    """Return a carer by id."""
    return session.get(Carer, carer_id)


def create_carer(*, session: Session, telegram_user_id: int, chat_id: int, locale: str) -> Carer:
    """Insert a new carer with default schedule answers."""
    carer = Carer(telegram_user_id=telegram_user_id, chat_id=chat_id, locale=locale)
    session.add(carer)
    session.flush()
    return carer


def create_delivery(  # noqa: PLR0913 - a row has this many facts
    *,
    session: Session,
    carer_id: int,
    prompt_id: str,
    dimension: str,
    kind: str,
    due_at: datetime,
    status: str,
) -> PromptDelivery:
    """Insert a delivery row."""
    delivery = PromptDelivery(
        carer_id=carer_id,
        prompt_id=prompt_id,
        dimension=dimension,
        kind=kind,
        due_at=due_at,
        status=status,
    )
    session.add(delivery)
    session.flush()
    return delivery


def get_delivery(*, session: Session, delivery_id: int) -> PromptDelivery | None:
    """Return a delivery by id."""
    return session.get(PromptDelivery, delivery_id)


def last_dimension(*, session: Session, carer_id: int) -> str | None:
    """Return the dimension of the carer's most recently sent prompt."""
    return session.exec(
        select(PromptDelivery.dimension)
        .where(PromptDelivery.carer_id == carer_id, PromptDelivery.kind != BROADCAST)
        .where(col(PromptDelivery.status).in_(USED_STATUSES))
        .order_by(col(PromptDelivery.sent_at).desc(), col(PromptDelivery.id).desc())
    ).first()


def prompt_use_counts(*, session: Session, carer_id: int) -> Counter[str]:
    """Count how often each prompt has reached the carer (snooze re-sends excluded)."""
    rows = session.exec(
        select(PromptDelivery.prompt_id, func.count())
        .where(PromptDelivery.carer_id == carer_id)
        .where(col(PromptDelivery.kind).not_in(NOT_COUNTED_KINDS))
        .where(col(PromptDelivery.status).in_(USED_STATUSES))
        .group_by(col(PromptDelivery.prompt_id))
    ).all()
    return Counter({prompt_id: count for prompt_id, count in rows})


# The reflection path: everything one incoming text needs, in one SELECT ---------------------

SUGGESTION_SEPARATOR = ","  # pack item ids never contain one (bot.packs.schema.ItemId)


@dataclass(frozen=True)
class ReflectionContext:
    """What storing and answering one text needs to know, read in one statement.

    Rows a text usually does not concern come as ids (load them with ``session.get`` when
    set); the carer and the newest open prompt, needed on the usual path, come as rows.
    """

    carer: Carer
    latest_open: PromptDelivery | None  # the newest prompt still open for an answer, recently
    replied_id: int | None  # the carer's prompt the text replies to, in any state
    stored_id: int | None  # a reflection already stored from this message (a redelivery)
    previous_id: int | None  # the reflection stored from the message just before, recently
    last_suggestion_id: str | None  # given with the latest reflection that got one
    suggestion_counts: Counter[str]  # how often each suggestion has been given


def get_reflection_context(
    *,
    session: Session,
    telegram_user_id: int,
    message_id: int,
    reply_to_message_id: int | None,
    stitch_since: datetime,
    open_since: datetime,
) -> ReflectionContext | None:
    """Read a carer and what their text may concern; None if they never started.

    Rows come back in the session: changes to them are saved on commit, and ``get_delivery``
    of the newest open prompt is answered without another query.
    """
    row = session.execute(
        _reflection_context_statement(),
        {
            "telegram_user_id": telegram_user_id,
            "message_id": message_id,
            "previous_message_id": message_id - 1,
            "reply_to": reply_to_message_id,
            "stitch_since": stitch_since,
            "open_since": open_since,
        },
    ).one_or_none()
    if row is None:
        return None
    carer, latest_open, replied_id, stored_id, previous_id, last_given, given = row
    return ReflectionContext(
        carer=carer,
        latest_open=latest_open,
        replied_id=replied_id,
        stored_id=stored_id,
        previous_id=previous_id,
        last_suggestion_id=last_given,
        suggestion_counts=Counter(given.split(SUGGESTION_SEPARATOR) if given else ()),
    )


def get_reflection(*, session: Session, reflection_id: int) -> Reflection | None:
    """Return a reflection by id."""
    return session.get(Reflection, reflection_id)


@cache
def _reflection_context_statement() -> Select[Any]:
    """Build the context SELECT once: the carer row, and scalar subqueries for the rest."""
    latest_open = aliased(PromptDelivery, name="latest_open")
    latest_open_id = _newest_delivery_id(
        lambda d: and_(
            # Bound one by one: a plain IN of a tuple is re-expanded at every execution.
            col(d.status).in_([literal(status) for status in delivery_state.OPEN_FOR_ANSWER]),
            col(d.sent_at) >= bindparam("open_since"),
            col(d.kind) != BROADCAST,
        )
    )
    replied_id = _newest_delivery_id(
        lambda d: col(d.telegram_message_id) == bindparam("reply_to", type_=BigInteger)
    )
    stored_id = _reflection_id_where(
        lambda r: col(r.telegram_message_id) == bindparam("message_id", type_=BigInteger)
    )
    previous_id = _reflection_id_where(
        lambda r: and_(
            col(r.telegram_message_id) == bindparam("previous_message_id", type_=BigInteger),
            col(r.created_at) >= bindparam("stitch_since"),
        )
    )
    given = aliased(Reflection, name="given")
    last_given = (
        sa_select(col(given.suggestion_id))
        .where(col(given.carer_id) == col(Carer.id), col(given.suggestion_id).is_not(None))
        .order_by(col(given.created_at).desc(), col(given.id).desc())
        .limit(1)
        .correlate(Carer)
        .scalar_subquery()
    )
    counted = aliased(Reflection, name="counted")
    all_given = (
        sa_select(func.aggregate_strings(col(counted.suggestion_id), SUGGESTION_SEPARATOR))
        .where(col(counted.carer_id) == col(Carer.id))
        .correlate(Carer)
        .scalar_subquery()
    )
    return (
        sa_select(Carer, latest_open, replied_id, stored_id, previous_id, last_given, all_given)
        .outerjoin(latest_open, col(latest_open.id) == latest_open_id)
        .where(col(Carer.telegram_user_id) == bindparam("telegram_user_id", type_=BigInteger))
    )


def _newest_delivery_id(
    condition: Callable[[type[PromptDelivery]], ColumnElement[bool]],
) -> ScalarSelect[Any]:
    """The id of the carer's most recently sent delivery meeting ``condition``."""
    delivery = aliased(PromptDelivery)
    return (
        sa_select(col(delivery.id))
        .where(col(delivery.carer_id) == col(Carer.id), condition(delivery))
        .order_by(col(delivery.sent_at).desc(), col(delivery.id).desc())
        .limit(1)
        .correlate(Carer)
        .scalar_subquery()
    )


def _reflection_id_where(
    condition: Callable[[type[Reflection]], ColumnElement[bool]],
) -> ScalarSelect[Any]:
    """The id of the carer's reflection meeting ``condition`` (unique per message)."""
    reflection = aliased(Reflection)
    return (
        sa_select(col(reflection.id))
        .where(col(reflection.carer_id) == col(Carer.id), condition(reflection))
        .correlate(Carer)
        .scalar_subquery()
    )


class NewReflection(TypedDict):
    """The columns of a reflection to insert (its id comes from the database)."""

    carer_id: int
    delivery_id: int | None
    prompt_id: str | None
    dimension: str | None
    text: str
    locale: str
    telegram_message_id: int
    suggestion_id: str | None
    risk_level: str | None
    risk_strength: str | None
    tone: str | None
    created_at: datetime


def add_reflection(*, session: Session, row: NewReflection) -> None:
    """Insert a reflection.

    A Core INSERT on the session's connection, in its transaction: the ORM object, its unit
    of work and flush cost more than the insert itself, and nothing reads the row back.
    """
    session.connection().execute(_reflection_insert(), dict(row))


@cache
def _reflection_insert() -> Insert:
    """Build the reflection INSERT once."""
    return insert(Reflection.__table__)  # type: ignore[attr-defined]


def list_reflections(
    *, session: Session, carer_id: int, offset: int, limit: int
) -> list[Reflection]:
    """Return reflections newest first."""
    return list(
        session.exec(
            select(Reflection)
            .where(Reflection.carer_id == carer_id)
            .order_by(col(Reflection.created_at).desc(), col(Reflection.id).desc())
            .offset(offset)
            .limit(limit)
        ).all()
    )


def count_reflections(*, session: Session, carer_id: int) -> int:
    """Count a carer's reflections."""
    return session.exec(
        select(func.count()).select_from(Reflection).where(Reflection.carer_id == carer_id)
    ).one()


def list_deliveries(*, session: Session, carer_id: int) -> list[PromptDelivery]:
    """Return every delivery of a carer, oldest first (for export)."""
    return list(
        session.exec(
            select(PromptDelivery)
            .where(PromptDelivery.carer_id == carer_id)
            .order_by(col(PromptDelivery.due_at), col(PromptDelivery.id))
        ).all()
    )


def delete_carer(*, session: Session, carer_id: int) -> None:
    """Delete a carer and every row about them."""
    session.execute(delete(Reflection).where(col(Reflection.carer_id) == carer_id))
    session.execute(delete(GroupMember).where(col(GroupMember.carer_id) == carer_id))
    session.execute(delete(PromptDelivery).where(col(PromptDelivery.carer_id) == carer_id))
    session.execute(delete(Carer).where(col(Carer.id) == carer_id))


def _insert_once(session: Session, table: type[Any] | Table, values: dict[str, object]) -> bool:
    """Insert a row unless its key exists; True when this call inserted it (race-safe).

    A returned row, not the rowcount, says so: PostgreSQL reports no count for a skipped row.
    """
    on_postgresql = session.get_bind().dialect.name == "postgresql"
    insert = postgresql_insert(table) if on_postgresql else sqlite.insert(table)
    statement: Insert = insert.values(**values).on_conflict_do_nothing()
    return session.execute(statement.returning(literal_column("1"))).first() is not None


@dataclass(frozen=True)
class ClaimedUpdate:
    """A first copy of an update, with what the gate reads about its sender (None: no carer)."""

    locale: str | None
    pause_reason: str | None
    awaiting: Pending | None


def claim_update(
    *, session: Session, update_id: int, telegram_user_id: int, now: datetime
) -> ClaimedUpdate | None:
    """Record a Telegram update as taken; None when another copy already took it.

    One statement: the insert returns the sender's locale, pause reason and pending answer.
    """
    # Core, on the session's connection: the ORM execution layer has nothing to add here.
    connection = session.connection()
    row = connection.execute(
        _claim_update_statement(connection.dialect.name),
        {"update_id": update_id, "received_at": now, "telegram_user_id": telegram_user_id},
    ).first()
    if row is None:
        return None
    return ClaimedUpdate(locale=row.locale, pause_reason=row.pause_reason, awaiting=row.awaiting)


@cache
def _claim_update_statement(dialect: str) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING RETURNING, with the sender's carer row read alongside."""
    sender = col(Carer.telegram_user_id) == bindparam("telegram_user_id", type_=BigInteger)

    def of_sender(column: Any) -> Any:
        return sa_select(col(column)).where(sender).scalar_subquery().label(column.key)

    table = HandledUpdate.__table__  # type: ignore[attr-defined]
    insert = postgresql_insert(table) if dialect == "postgresql" else sqlite.insert(table)
    return (
        insert.values(update_id=bindparam("update_id"), received_at=bindparam("received_at"))
        .on_conflict_do_nothing()
        .returning(*(of_sender(c) for c in (Carer.locale, Carer.pause_reason, Carer.awaiting)))
    )


def release_update(*, session: Session, update_id: int) -> None:
    """Forget a taken update whose handling failed, so Telegram's redelivery is handled."""
    session.execute(delete(HandledUpdate).where(col(HandledUpdate.update_id) == update_id))


def first_refusal(*, session: Session, chat_id: int, now: datetime) -> bool:
    """Record that a shared chat was told; True only the first time."""
    return _insert_once(session, RefusedChat, {"chat_id": chat_id, "refused_at": now})


def delete_expired(
    *, session: Session, reflections_before: datetime, updates_before: datetime
) -> int:
    """Delete reflections and finished deliveries past retention, and old update ids."""
    gone = session.execute(
        delete(Reflection).where(col(Reflection.created_at) < reflections_before)
    ).rowcount  # type: ignore[attr-defined]
    gone += session.execute(
        delete(PromptDelivery)
        .where(col(PromptDelivery.due_at) < reflections_before)
        .where(col(PromptDelivery.status).not_in(OPEN_STATUSES))
    ).rowcount  # type: ignore[attr-defined]
    session.execute(delete(HandledUpdate).where(col(HandledUpdate.received_at) < updates_before))
    return int(gone)


# Set-based delivery: one statement per batch for planning, claiming and recording ------------

_DELIVERIES: Table = PromptDelivery.__table__  # type: ignore[attr-defined]
_CARERS: Table = Carer.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Claimed:
    """A delivery claimed for sending, with where and in which language it goes."""

    id: int
    carer_id: int
    chat_id: int
    locale: str
    prompt_id: str
    dimension: str
    kind: str
    note: str | None = None
    broadcast_id: int | None = None


def due_carers(*, session: Session, now: datetime, limit: int) -> list[Carer]:
    """Return active carers whose next prompt time has come, oldest slot first."""
    return list(
        session.exec(
            select(Carer)
            .where(col(Carer.next_prompt_at) <= now)
            .where(col(Carer.paused).is_(False))
            .where(col(Carer.onboarded_at).is_not(None))
            .order_by(col(Carer.next_prompt_at), col(Carer.id))
            .limit(limit)
        ).all()
    )


def last_dimensions(*, session: Session, carer_ids: Sequence[int]) -> dict[int, str]:
    """Return each carer's most recently used dimension, in one windowed query."""
    ranked = (
        select(
            col(PromptDelivery.carer_id),
            col(PromptDelivery.dimension),
            func.row_number()
            .over(
                partition_by=col(PromptDelivery.carer_id),
                order_by=(col(PromptDelivery.sent_at).desc(), col(PromptDelivery.id).desc()),
            )
            .label("rank"),
        )
        .where(col(PromptDelivery.carer_id).in_(carer_ids), PromptDelivery.kind != BROADCAST)
        .where(col(PromptDelivery.status).in_(USED_STATUSES))
        .subquery()
    )
    rows = session.execute(select(ranked.c.carer_id, ranked.c.dimension).where(ranked.c.rank == 1))
    return {carer_id: dimension for carer_id, dimension in rows}


def prompt_uses(*, session: Session, carer_ids: Sequence[int]) -> dict[int, Counter[str]]:
    """Count each carer's uses of each prompt (snooze re-sends excluded), in one query."""
    rows = session.exec(
        select(PromptDelivery.carer_id, PromptDelivery.prompt_id, func.count())
        .where(col(PromptDelivery.carer_id).in_(carer_ids))
        .where(col(PromptDelivery.kind).not_in(NOT_COUNTED_KINDS))
        .where(col(PromptDelivery.status).in_(USED_STATUSES))
        .group_by(col(PromptDelivery.carer_id), col(PromptDelivery.prompt_id))
    ).all()
    uses: dict[int, Counter[str]] = {}
    for carer_id, prompt_id, count in rows:
        uses.setdefault(carer_id, Counter())[prompt_id] = count
    return uses


def insert_scheduled(*, session: Session, rows: Sequence[dict[str, object]]) -> None:
    """Insert planned deliveries; a slot already planned (by anyone) is left as it is."""
    if not rows:
        return
    table = _DELIVERIES
    statement: Insert
    if session.get_bind().dialect.name == "postgresql":
        statement = postgresql_insert(table).on_conflict_do_nothing(
            index_elements=["carer_id", "due_at"], index_where=text(SCHEDULED_ONLY)
        )
    else:
        statement = sqlite.insert(table).on_conflict_do_nothing()
    session.execute(statement, list(rows))


def advance_schedules(
    *, session: Session, moves: Sequence[tuple[int, datetime, datetime]]
) -> None:
    """Move each (carer, expected slot) to its following slot, only if still expected."""
    if not moves:
        return
    table = _CARERS
    statement = (
        update(table)
        .where(table.c.id == bindparam("carer"), table.c.next_prompt_at == bindparam("expected"))
        .values(next_prompt_at=bindparam("following"))
    )
    session.execute(
        statement,
        [{"carer": c, "expected": e, "following": f} for c, e, f in moves],
        execution_options={"synchronize_session": False},
    )


def mark_missed(*, session: Session, due_before: datetime) -> int:
    """Record as missed every pending delivery too late to send (the quiet-window rule)."""
    result = session.execute(
        update(PromptDelivery)
        .where(col(PromptDelivery.status) == delivery_state.PENDING)
        .where(col(PromptDelivery.due_at) < due_before)
        .values(status=delivery_state.MISSED)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def recover_stuck(*, session: Session, claimed_before: datetime) -> int:
    """Resolve rows left in sending past the lease as ambiguous: never resent, counted."""
    result = session.execute(
        update(PromptDelivery)
        .where(col(PromptDelivery.status) == delivery_state.SENDING)
        .where(
            or_(
                col(PromptDelivery.claimed_at) < claimed_before,
                col(PromptDelivery.claimed_at).is_(None),
            )
        )
        .values(status=delivery_state.AMBIGUOUS, last_error="lease expired")
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def claim_due(
    *, session: Session, now: datetime, limit: int, only: Sequence[int] | None = None
) -> list[Claimed]:
    """Claim due pending deliveries in one statement (SKIP LOCKED on PostgreSQL)."""
    pick = (
        select(PromptDelivery.id)
        .where(col(PromptDelivery.status) == delivery_state.PENDING)
        .where(col(PromptDelivery.due_at) <= now)
        .order_by(col(PromptDelivery.due_at), col(PromptDelivery.id))
        .limit(limit)
    )
    if only is not None:
        pick = pick.where(col(PromptDelivery.id).in_(only))
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    table = _DELIVERIES
    rows = session.execute(
        update(table)
        .where(table.c.id.in_(pick.scalar_subquery()))
        .values(status=delivery_state.SENDING, claimed_at=now, attempts=table.c.attempts + 1)
        .returning(
            table.c.id,
            table.c.carer_id,
            table.c.prompt_id,
            table.c.dimension,
            table.c.kind,
            table.c.note,
            table.c.broadcast_id,
        )
    ).all()
    if not rows:
        return []
    chats = {
        carer_id: (chat_id, locale)
        for carer_id, chat_id, locale in session.execute(
            select(_CARERS.c.id, _CARERS.c.chat_id, _CARERS.c.locale).where(
                _CARERS.c.id.in_({row.carer_id for row in rows})
            )
        )
    }
    claims = [
        Claimed(
            id=row.id,
            carer_id=row.carer_id,
            chat_id=chats[row.carer_id][0],
            locale=chats[row.carer_id][1],
            prompt_id=row.prompt_id,
            dimension=row.dimension,
            kind=row.kind,
            note=row.note,
            broadcast_id=row.broadcast_id,
        )
        for row in rows
    ]
    return sorted(claims, key=lambda claim: claim.id)


def settle(*, session: Session, outcomes: Sequence[dict[str, object]]) -> None:
    """Record each claimed delivery's outcome (status, message id, error) in one statement."""
    if not outcomes:
        return
    table = _DELIVERIES
    statement = (
        update(table)
        .where(table.c.id == bindparam("delivery"), table.c.status == delivery_state.SENDING)
        .values(
            status=bindparam("status"),
            sent_at=bindparam("sent_at"),
            telegram_message_id=bindparam("message_id"),
            last_error=bindparam("error"),
            claimed_at=None,
        )
    )
    session.execute(statement, list(outcomes), execution_options={"synchronize_session": False})


def forget_answer_taps(*, session: Session, carer_ids: Sequence[int]) -> None:
    """A newer prompt supersedes an unused Answer tap or settings question: clear them."""
    if not carer_ids:
        return
    stored = type_coerce(col(Carer.awaiting), String)
    session.execute(
        update(Carer)
        .where(col(Carer.id).in_(carer_ids))
        .where(or_(*(stored.like(f"{prefix}%") for prefix in SUPERSEDED_BY_A_PROMPT)))
        .values(awaiting=None)
        .execution_options(synchronize_session=False)
    )


def give_up_retries(*, session: Session, after_attempts: int) -> None:
    """Fail deliveries that never got out after many tries, so they stop being retried."""
    session.execute(
        update(PromptDelivery)
        .where(col(PromptDelivery.status) == delivery_state.PENDING)
        .where(col(PromptDelivery.attempts) >= after_attempts)
        .values(status=delivery_state.FAILED, last_error="gave up")
        .execution_options(synchronize_session=False)
    )
