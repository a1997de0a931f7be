"""Keyword-only queries; every write that may race between processes is a compare-and-set."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import Insert, delete, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from bot.storage.models import Carer, HandledUpdate, PromptDelivery, Reflection, RefusedChat

USED_STATUSES = ("sent", "answered", "skipped", "snoozed")
OPEN_STATUSES = ("pending", "sending")


def get_carer_by_telegram_id(*, session: Session, telegram_user_id: int) -> Carer | None:
    """Return the carer for a Telegram user, if they have started the bot."""
    return session.exec(select(Carer).where(Carer.telegram_user_id == telegram_user_id)).first()


def get_carer(*, session: Session, carer_id: int) -> Carer | None:
    """Return a carer by id."""
    return session.get(Carer, carer_id)


def create_carer(*, session: Session, telegram_user_id: int, chat_id: int, locale: str) -> Carer:
    """Insert a new carer with default schedule answers."""
    carer = Carer(telegram_user_id=telegram_user_id, chat_id=chat_id, locale=locale)
    session.add(carer)
    session.flush()
    return carer


def due_carer_slots(*, session: Session, now: datetime, limit: int) -> list[tuple[int, datetime]]:
    """Return (carer id, due time) for active carers whose next prompt time has come."""
    rows = session.exec(
        select(Carer.id, Carer.next_prompt_at)
        .where(col(Carer.next_prompt_at) <= now)
        .where(col(Carer.paused).is_(False))
        .where(col(Carer.onboarded_at).is_not(None))
        .order_by(col(Carer.next_prompt_at))
        .limit(limit)
    ).all()
    return [(carer_id, due) for carer_id, due in rows if carer_id is not None and due is not None]


def advance_schedule(
    *, session: Session, carer_id: int, expected: datetime, following: datetime
) -> bool:
    """Move a carer's next prompt time on, only if nobody else has already done so."""
    result = session.execute(
        update(Carer)
        .where(col(Carer.id) == carer_id, col(Carer.next_prompt_at) == expected)
        .values(next_prompt_at=following)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


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


def pending_delivery_ids(*, session: Session, now: datetime, limit: int) -> list[int]:
    """Return deliveries waiting to go out whose time has come."""
    ids = session.exec(
        select(PromptDelivery.id)
        .where(PromptDelivery.status == "pending", col(PromptDelivery.due_at) <= now)
        .order_by(col(PromptDelivery.due_at))
        .limit(limit)
    ).all()
    return [delivery_id for delivery_id in ids if delivery_id is not None]


def get_delivery(*, session: Session, delivery_id: int) -> PromptDelivery | None:
    """Return a delivery by id."""
    return session.get(PromptDelivery, delivery_id)


def transition_delivery(*, session: Session, delivery_id: int, expected: str, status: str) -> bool:
    """Change a delivery's status only if it still has the expected one (claims it)."""
    result = session.execute(
        update(PromptDelivery)
        .where(col(PromptDelivery.id) == delivery_id, col(PromptDelivery.status) == expected)
        .values(status=status)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def record_sent(*, session: Session, delivery_id: int, sent_at: datetime, message_id: int) -> None:
    """Mark a claimed delivery as sent, with the Telegram message that carries it."""
    session.execute(
        update(PromptDelivery)
        .where(col(PromptDelivery.id) == delivery_id)
        .values(status="sent", sent_at=sent_at, telegram_message_id=message_id)
    )


def get_delivery_by_message(
    *, session: Session, carer_id: int, message_id: int
) -> PromptDelivery | None:
    """Return the delivery a Telegram message carried."""
    return session.exec(
        select(PromptDelivery).where(
            PromptDelivery.carer_id == carer_id, PromptDelivery.telegram_message_id == message_id
        )
    ).first()


def latest_open_delivery(
    *, session: Session, carer_id: int, since: datetime
) -> PromptDelivery | None:
    """Return the most recent prompt sent since ``since`` that is still unanswered."""
    return session.exec(
        select(PromptDelivery)
        .where(PromptDelivery.carer_id == carer_id, PromptDelivery.status == "sent")
        .where(col(PromptDelivery.sent_at) >= since)
        .order_by(col(PromptDelivery.sent_at).desc(), col(PromptDelivery.id).desc())
    ).first()


def last_dimension(*, session: Session, carer_id: int) -> str | None:
    """Return the dimension of the carer's most recently sent prompt."""
    return session.exec(
        select(PromptDelivery.dimension)
        .where(PromptDelivery.carer_id == carer_id)
        .where(col(PromptDelivery.status).in_(USED_STATUSES))
        .order_by(col(PromptDelivery.sent_at).desc(), col(PromptDelivery.id).desc())
    ).first()


def prompt_use_counts(*, session: Session, carer_id: int) -> Counter[str]:
    """Count how often each prompt has reached the carer (snooze re-sends excluded)."""
    rows = session.exec(
        select(PromptDelivery.prompt_id, func.count())
        .where(PromptDelivery.carer_id == carer_id, PromptDelivery.kind != "snooze")
        .where(col(PromptDelivery.status).in_(USED_STATUSES))
        .group_by(col(PromptDelivery.prompt_id))
    ).all()
    return Counter({prompt_id: count for prompt_id, count in rows})


def suggestion_counts(*, session: Session, carer_id: int) -> Counter[str]:
    """Count how often each suggestion has been given to the carer."""
    rows = session.exec(
        select(Reflection.suggestion_id, func.count())
        .where(Reflection.carer_id == carer_id, col(Reflection.suggestion_id).is_not(None))
        .group_by(col(Reflection.suggestion_id))
    ).all()
    return Counter({suggestion_id: count for suggestion_id, count in rows if suggestion_id})


def last_suggestion_id(*, session: Session, carer_id: int) -> str | None:
    """Return the suggestion given with the carer's latest reflection that got one."""
    return session.exec(
        select(Reflection.suggestion_id)
        .where(Reflection.carer_id == carer_id, col(Reflection.suggestion_id).is_not(None))
        .order_by(col(Reflection.created_at).desc(), col(Reflection.id).desc())
    ).first()


def get_reflection_by_message(
    *, session: Session, carer_id: int, message_id: int
) -> Reflection | None:
    """Return the reflection stored from a Telegram message, if any."""
    return session.exec(
        select(Reflection).where(
            Reflection.carer_id == carer_id, Reflection.telegram_message_id == message_id
        )
    ).first()


def add_reflection(*, session: Session, reflection: Reflection) -> Reflection:
    """Insert a reflection."""
    session.add(reflection)
    session.flush()
    return reflection


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
    session.execute(delete(PromptDelivery).where(col(PromptDelivery.carer_id) == carer_id))
    session.execute(delete(Carer).where(col(Carer.id) == carer_id))


def previous_reflection(
    *, session: Session, carer_id: int, message_id: int, since: datetime
) -> Reflection | None:
    """Return the reflection stored from the carer's message just before ``message_id``."""
    return session.exec(
        select(Reflection).where(
            Reflection.carer_id == carer_id,
            Reflection.telegram_message_id == message_id - 1,
            col(Reflection.created_at) >= since,
        )
    ).first()


def _insert_once(session: Session, table: object, values: dict[str, object]) -> bool:
    """Insert a row unless its key exists; True when this call inserted it (race-safe)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement: Insert = dialect.insert(table).values(**values).on_conflict_do_nothing()
    return bool(session.execute(statement).rowcount)  # type: ignore[attr-defined]


def claim_update(*, session: Session, update_id: int, now: datetime) -> bool:
    """Record a Telegram update as taken; False when another copy already took it."""
    return _insert_once(session, HandledUpdate, {"update_id": update_id, "received_at": now})


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
