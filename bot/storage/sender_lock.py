"""Exactly one process sends at a time, so Telegram's rate limit is global across processes.

On PostgreSQL a session-level advisory lock is held on a dedicated connection: when the
holder dies its connection closes, the lock is released, and another process's next sweep
takes it over. SQLite deployments are one process, which always holds it.
"""

from __future__ import annotations

import logging
import time
import zlib

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)
SENDER_LOCK_KEY = 0x5EC0BA5E  # the lock's first key; the second is the deployment's schema


def schema_key(connection: Connection) -> int:
    """Key the lock by schema too: deployments sharing one database each get a sender."""
    schema = connection.execute(text("SELECT current_schema()")).scalar() or "public"
    return zlib.crc32(str(schema).encode()) & 0x7FFFFFFF


class SenderLock:
    """Try to become, or stay, the one sending process."""

    def __init__(self, engine: Engine) -> None:
        """Bind to the deployment's database."""
        self._engine = engine
        self._connection: Connection | None = None
        # time.monotonic() when this process became the sender; None while it is not.
        self.taken_at: float | None = None

    @property
    def shared(self) -> bool:
        """Only PostgreSQL deployments run several processes."""
        return self._engine.dialect.name == "postgresql"

    def try_acquire(self) -> bool:
        """Return True while this process holds the lock; take it if it is free."""
        if not self.shared:
            return True
        if self._connection is not None and self._alive(self._connection):
            return True
        self.release()
        connection = self._engine.connect()
        taken = connection.execute(
            text("SELECT pg_try_advisory_lock(:key, :schema)"),
            {"key": SENDER_LOCK_KEY, "schema": schema_key(connection)},
        ).scalar()
        connection.commit()
        if taken:
            self._connection = connection
            self.taken_at = time.monotonic()
            log.info("this process is now the sender")
            return True
        connection.close()
        return False

    def release(self) -> None:
        """Let another process send: end the session that holds the lock, not just pool it."""
        if self._connection is not None:
            try:
                self._connection.invalidate()  # closes the database session, and its lock
            except DBAPIError:
                log.info("the sender's lock connection was already gone")
            self._connection = None
        self.taken_at = None

    @staticmethod
    def _alive(connection: Connection) -> bool:
        """A dropped connection has lost the lock with it."""
        try:
            connection.execute(text("SELECT 1"))
            connection.commit()
        except DBAPIError:
            return False
        return True


def current_holder(engine: Engine) -> str | None:
    """Describe the process holding the sender lock (PostgreSQL), for ``status`` and metrics."""
    if engine.dialect.name != "postgresql":
        return "this process (SQLite: one process)"
    with engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT a.pid, a.application_name, a.client_addr FROM pg_locks l "
                "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
                "AND l.classid = :key AND l.objid = :schema AND l.objsubid = 2 AND l.granted"
            ),
            {"key": SENDER_LOCK_KEY, "schema": schema_key(connection)},
        ).first()
    if row is None:
        return None
    pid, application, address = row
    return f"pid {pid} {application or ''} {address or 'local'}".replace("  ", " ")
