"""Engine and sessions; synchronous SQLModel run off the event loop in worker threads."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError
from sqlmodel import Session, create_engine

from bot.storage.models import describe_for_postgresql

ResultT = TypeVar("ResultT")
OtherT = TypeVar("OtherT")
log = logging.getLogger(__name__)

# A pooled PostgreSQL connection unused for longer than this is pinged before it is handed
# out, so one dropped while the bot was quiet is replaced instead of failing an update. A
# connection in steady use is never pinged: no extra round trip per transaction.
IDLE_PING_SECONDS = 30.0


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and enforced foreign keys.

    PostgreSQL connections are pinged only after sitting idle (see ``IDLE_PING_SECONDS``).

    ``hide_parameters`` keeps bound values, which may be reflection text, out of every
    database error message, and so out of logs and developer error reports.
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url, hide_parameters=True, connect_args={"check_same_thread": False, "timeout": 30}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, hide_parameters=True)
    _ping_when_idle(engine)
    describe_for_postgresql()
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # Under WAL, NORMAL syncs the log at checkpoints rather than at every commit. A crash of
    # the process loses nothing committed; a power cut or OS crash may lose the last few
    # commits (the database itself stays consistent). FULL would fsync every commit.
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted rows are overwritten with zeros, not merely unlinked (see Database.erase_traces).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _ping_when_idle(engine: Engine) -> None:
    """Ping a pooled connection only after it sat idle; a dead one is replaced transparently.

    ``pool_pre_ping`` would cost a round trip at the start of every transaction.
    """
    dialect = engine.dialect
    driver_error = dialect.loaded_dbapi.Error

    def note_idle(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    def ping(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
            return
        try:
            dialect.do_ping(dbapi_connection)
            dbapi_connection.rollback()  # hand it out outside any transaction
        except driver_error as error:
            # The pool discards this connection and checks out (or opens) another.
            raise DisconnectionError("an idle connection was closed by the server") from error

    event.listen(engine, "checkin", note_idle)
    event.listen(engine, "checkout", ping)


class Database:
    """Own the engine and run units of work, each in its own transaction."""

    def __init__(self, engine: Engine) -> None:
        """Wrap an engine created by make_engine."""
        self.engine = engine

    @contextmanager
    def session_scope(self) -> Iterator[Session]:
        """Open a session that commits on success and rolls back on error."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def run_sync(self, work: Callable[[Session], ResultT]) -> ResultT:
        """Run ``work`` in one transaction on the calling thread."""
        with self.session_scope() as session:
            return work(session)

    async def run(self, work: Callable[[Session], ResultT]) -> ResultT:
        """Run ``work`` in one transaction on a worker thread so handlers never block."""
        return await asyncio.to_thread(self.run_sync, work)

    async def run_in_turn(
        self,
        first: Callable[[Session], ResultT],
        then: Callable[[Session, ResultT], OtherT],
    ) -> tuple[ResultT, OtherT]:
        """Run two units of work, each in its own transaction, on one trip to a worker thread.

        Waking an idle thread (an idle core, on a virtual machine) costs more than a commit.
        """

        def both() -> tuple[ResultT, OtherT]:
            done = self.run_sync(first)
            return done, self.run_sync(lambda session: then(session, done))

        return await asyncio.to_thread(both)

    def erase_traces(self) -> None:
        """Make deletions reach the disk: copy the WAL into the database file and empty it.

        With ``secure_delete`` the database file keeps no deleted text, but the WAL still
        holds earlier copies of each page until a checkpoint resets it. PostgreSQL keeps
        dead rows until (auto)vacuum, which the operator runs (see the README).
        """
        if self.engine.dialect.name != "sqlite":
            return
        with self.engine.connect() as connection:
            busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
        if busy and busy[0]:
            log.warning("WAL checkpoint was blocked by a reader; it completes on a later one")

    async def erase_traces_async(self) -> None:
        """Checkpoint off the event loop."""
        await asyncio.to_thread(self.erase_traces)

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()
