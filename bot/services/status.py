"""What operators need to see of delivery: backlog, lateness, pace, leases, outcomes, the sender.

Every figure describes the whole deployment (the database), not one process, so each
``serve`` process behind a load balancer reports the same values: aggregate them with
``max``, never ``sum``. No figure carries text, a carer or a user id: only counts and times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Table, case, func, select

from bot.domain.delivery import AMBIGUOUS, FAILED, MISSED, PENDING, SENDING, SENDING_LEASE
from bot.ports import Clock
from bot.storage.db import Database
from bot.storage.models import PromptDelivery
from bot.storage.sender_lock import current_holder

RATE_WINDOW = timedelta(seconds=60)
OUTCOME_WINDOW = timedelta(hours=24)
# A prompt more than two hours late is recorded as missed, never sent, so everything sent in
# the last minute was due within the last day: the bound lets the due_at index narrow the scan.
SENT_DUE_BOUND = timedelta(days=1)
DELIVERIES: Table = PromptDelivery.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class DeliveryStatus:
    """One consistent reading of the delivery pipeline at ``now``."""

    now: datetime
    backlog: int  # pending and due
    oldest_due_at: datetime | None  # the longest-waiting pending, due delivery
    send_rate: float  # sent per second over the last minute
    stuck: int  # "sending" past the lease: the sender died mid-call
    in_flight: int  # "sending" within the lease
    missed_24h: int  # due in the last 24 h, recorded missed
    ambiguous_24h: int  # due in the last 24 h, may or may not have arrived
    failed_24h: int  # due in the last 24 h, refused by Telegram
    sender: str | None  # the process holding the sender lock, None when nobody sends

    @property
    def oldest_due_seconds(self) -> float:
        """How late the oldest due delivery is; 0 when nothing waits."""
        if self.oldest_due_at is None:
            return 0.0
        return max(0.0, (self.now - self.oldest_due_at).total_seconds())

    @property
    def sender_held(self) -> bool:
        """Whether some process (any, not necessarily this one) holds the sender lock."""
        return self.sender is not None


def read_delivery_status(
    db: Database, now: datetime, lease: timedelta = SENDING_LEASE
) -> DeliveryStatus:
    """Read every figure with four aggregate queries, whatever the number of rows."""
    with db.engine.connect() as connection:
        backlog, oldest = _due_pending(connection, now)
        stuck, in_flight = _leases(connection, now, lease)
        outcomes = _recent_outcomes(connection, now)
        sent = _sent_recently(connection, now)
    return DeliveryStatus(
        now=now,
        backlog=backlog,
        oldest_due_at=oldest,
        send_rate=sent / RATE_WINDOW.total_seconds(),
        stuck=stuck,
        in_flight=in_flight,
        missed_24h=outcomes.get(MISSED, 0),
        ambiguous_24h=outcomes.get(AMBIGUOUS, 0),
        failed_24h=outcomes.get(FAILED, 0),
        sender=current_holder(db.engine),
    )


def _due_pending(connection: Connection, now: datetime) -> tuple[int, datetime | None]:
    """Count pending deliveries whose time has come, and find the oldest (status, due_at index)."""
    c = DELIVERIES.c
    query = select(func.count(), func.min(c.due_at)).where(c.status == PENDING, c.due_at <= now)
    count, oldest = connection.execute(query).one()
    return int(count), oldest


def _leases(connection: Connection, now: datetime, lease: timedelta) -> tuple[int, int]:
    """Split rows being sent into stuck (lease expired, or never stamped) and in flight."""
    c = DELIVERIES.c
    expired = (c.claimed_at.is_(None)) | (c.claimed_at < now - lease)
    query = select(func.count(case((expired, 1))), func.count(case((~expired, 1)))).where(
        c.status == SENDING
    )
    stuck, in_flight = connection.execute(query).one()
    return int(stuck), int(in_flight)


def _recent_outcomes(connection: Connection, now: datetime) -> dict[str, int]:
    """Count deliveries due in the last 24 h that ended missed, ambiguous or failed."""
    c = DELIVERIES.c
    query = (
        select(c.status, func.count())
        .where(c.status.in_((MISSED, AMBIGUOUS, FAILED)), c.due_at > now - OUTCOME_WINDOW)
        .group_by(c.status)
    )
    return {str(status): int(count) for status, count in connection.execute(query).all()}


def _sent_recently(connection: Connection, now: datetime) -> int:
    """Count deliveries Telegram accepted in the last minute, whatever happened to them since."""
    c = DELIVERIES.c
    query = select(func.count()).where(
        c.sent_at > now - RATE_WINDOW,
        c.sent_at <= now,
        c.due_at > now - SENT_DUE_BOUND,
    )
    return int(connection.execute(query).scalar_one())


class StatusService:
    """Give the metrics endpoint and the ``status`` command the same reading."""

    def __init__(self, db: Database, clock: Clock, *, lease: timedelta = SENDING_LEASE) -> None:
        """Read the deployment's database at the clock's time, with its delivery lease."""
        self._db = db
        self._clock = clock
        self._lease = lease

    def read(self) -> DeliveryStatus:
        """Read now; synchronous, so callers on the event loop run it in a worker thread."""
        return read_delivery_status(self._db, self._clock.now(), self._lease)
