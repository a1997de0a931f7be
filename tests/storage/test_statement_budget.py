"""The reflection path's database budget, counted on SQLite and PostgreSQL.

A reflection costs two transactions (the gate's, the inbox's) and, from an onboarded carer
with no prompt open, three statements: the gate's claim (which also reads the carer), the
inbox's one SELECT, and the insert. Answering an open prompt adds the update that marks it
answered; a tapped Answer also clears the carer's pending answer (one UPDATE each).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, text

import bot.storage.db
from bot.config import Settings
from bot.ports import ManualClock
from bot.storage.db import Database, make_engine
from tests.harness import Chat, running_chat


@dataclass
class Ledger:
    """What the database was asked while it was being watched."""

    statements: list[str] = field(default_factory=list)
    commits: int = 0
    rollbacks: int = 0

    def describe(self) -> str:
        return "\n".join(" ".join(statement.split())[:100] for statement in self.statements)


@contextmanager
def watching(engine: Engine) -> Iterator[Ledger]:
    """Count every statement sent to the driver, and every commit and rollback."""
    ledger = Ledger()

    def on_statement(*args: Any) -> None:
        ledger.statements.append(args[2])

    def on_commit(_connection: Any) -> None:
        ledger.commits += 1

    def on_rollback(_connection: Any) -> None:
        ledger.rollbacks += 1

    listeners = [
        ("before_cursor_execute", on_statement),
        ("commit", on_commit),
        ("rollback", on_rollback),
    ]
    for name, listener in listeners:
        event.listen(engine, name, listener)
    try:
        yield ledger
    finally:
        for name, listener in listeners:
            event.remove(engine, name, listener)


@pytest.fixture
async def onboarded(database_url: str, clock: ManualClock) -> AsyncIterator[Chat]:
    """An onboarded carer with one reflection already stored, on either database."""
    settings = Settings(database_url=database_url, bot_token=None, _env_file=None)
    async with running_chat(settings, clock) as chat:
        await chat.onboard()
        await chat.send("A first evening: bedtime took a long time.")
        clock.advance(timedelta(minutes=5))
        yield chat


def _engine(chat: Chat) -> Engine:
    return chat.app.bot_data.services.db.engine


async def test_an_ordinary_reflection_costs_two_transactions_and_three_statements(
    onboarded: Chat,
) -> None:
    """Claim (reading the carer), one SELECT, one INSERT; nothing else, on either database."""
    with watching(_engine(onboarded)) as ledger:
        calls = await onboarded.send("We baked a cake together and laughed a lot.")
    assert [call.method for call in calls] == ["sendMessage"]
    assert len(onboarded.reflections()) == 2
    assert (ledger.commits, ledger.rollbacks) == (2, 0)
    assert len(ledger.statements) <= 3, ledger.describe()


async def test_an_ordinary_reflection_takes_one_trip_to_a_worker_thread(
    onboarded: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The claim and the reflection's transaction share one thread hop: waking one costs most."""
    trips: list[str] = []
    real = asyncio.to_thread

    async def recording(function: Any, /, *args: Any, **kwargs: Any) -> Any:
        trips.append(getattr(function, "__qualname__", repr(function)))
        return await real(function, *args, **kwargs)

    monkeypatch.setattr(asyncio, "to_thread", recording)
    calls = await onboarded.send("We made pancakes and she flipped the last one.")
    assert [call.method for call in calls] == ["sendMessage"]
    assert len(trips) == 1, trips


async def test_a_redelivered_copy_costs_one_statement(onboarded: Chat) -> None:
    """A second copy of an update is dropped by the claim itself: one statement, no reply."""
    update = onboarded.users.text("Calm evening, we read two stories.")
    await onboarded.send_update(update)
    with watching(_engine(onboarded)) as ledger:
        calls = await onboarded.send_update(update)
    assert calls == []
    assert len(onboarded.reflections()) == 2
    assert (len(ledger.statements), ledger.commits) == (1, 1), ledger.describe()


async def test_answering_an_open_prompt_adds_only_the_answered_mark(onboarded: Chat) -> None:
    """Typed after a prompt: the prompt comes with the SELECT; marking it answered is one more."""
    await onboarded.send("/prompt")
    with watching(_engine(onboarded)) as ledger:
        await onboarded.send("She was upset after contact, we sat together.")
    assert [row.status for row in onboarded.deliveries()] == ["answered"]
    assert ledger.commits == 2
    assert len(ledger.statements) <= 4, ledger.describe()


async def test_a_tapped_answer_adds_clearing_the_pending_answer(onboarded: Chat) -> None:
    """After tapping Answer, the tapped prompt is already in the session: no extra SELECT."""
    await onboarded.send("/prompt")
    await onboarded.tap("Answer")
    with watching(_engine(onboarded)) as ledger:
        await onboarded.send("Tonight we read together and he fell asleep.")
    carer = onboarded.carer()
    assert carer is not None and carer.awaiting is None
    assert [row.status for row in onboarded.deliveries()] == ["answered"]
    assert ledger.commits == 2
    assert len(ledger.statements) <= 5, ledger.describe()


def test_sqlite_runs_in_wal_with_normal_sync(sqlite_url: str) -> None:
    """WAL with synchronous=NORMAL: no fsync per commit, committed data survives a crash."""
    engine = make_engine(sqlite_url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    engine.dispose()


@pytest.fixture
def pings(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Database, list[int]]]:
    """A PostgreSQL database whose dialect counts its pings."""
    engine = make_engine(postgres_url)
    counted: list[int] = []
    ping = engine.dialect.do_ping

    def counting_ping(dbapi_connection: Any) -> bool:
        counted.append(1)
        return ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counting_ping)
    yield Database(engine), counted
    engine.dispose()


def test_busy_connections_are_never_pinged(pings: tuple[Database, list[int]]) -> None:
    """Back-to-back transactions cost no ping round trip (no pool_pre_ping)."""
    db, counted = pings
    for _ in range(5):
        db.run_sync(lambda session: session.execute(text("SELECT 1")))
    assert counted == []


def test_a_connection_dropped_while_idle_is_replaced(
    pings: tuple[Database, list[int]], postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After idling, a connection the server closed is pinged, discarded and replaced."""
    db, counted = pings
    pid = db.run_sync(lambda session: session.execute(text("SELECT pg_backend_pid()")).scalar())
    admin = create_engine(postgres_url)
    with admin.begin() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()
    monkeypatch.setattr(bot.storage.db, "IDLE_PING_SECONDS", 0.0)
    time.sleep(0.01)
    new_pid = db.run_sync(
        lambda session: session.execute(text("SELECT pg_backend_pid()")).scalar()
    )
    assert new_pid != pid
    assert counted  # the idle connection was pinged before use
