"""Delivery status: each figure read from rows in known states, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.domain.delivery import SENDING_LEASE
from bot.services.status import DeliveryStatus, read_delivery_status
from bot.storage.db import Database, make_engine
from bot.storage.migrate import upgrade
from bot.storage.models import Carer, PromptDelivery
from bot.storage.sender_lock import SenderLock
from tests.conftest import START

MIN = timedelta(minutes=1)
# (status, due_at, sent_at, claimed_at) relative to now; comments say which figure counts it.
ROWS: list[tuple[str, timedelta, timedelta | None, timedelta | None]] = [
    ("pending", -10 * MIN, None, None),  # backlog, the oldest: 600 s late
    ("pending", -MIN, None, None),  # backlog
    ("pending", 5 * MIN, None, None),  # not due yet: not backlog
    ("sending", -20 * MIN, None, -(SENDING_LEASE + MIN)),  # stuck: lease expired
    ("sending", -21 * MIN, None, None),  # stuck: never stamped, so never recovered
    ("sending", -22 * MIN, None, -MIN),  # in flight
    ("sent", -30 * MIN, timedelta(seconds=-30), -MIN),  # sent in the last minute
    ("answered", -31 * MIN, timedelta(seconds=-10), -MIN),  # sent in the last minute
    ("sent", -32 * MIN, timedelta(seconds=-90), -2 * MIN),  # sent before the window
    ("sent", -5 * MIN, timedelta(seconds=10), -MIN),  # sent after now: not yet in the window
    ("missed", -3 * 60 * MIN, None, None),  # missed (24 h)
    ("missed", -25 * 60 * MIN, None, None),  # too old
    ("ambiguous", -60 * MIN, None, -59 * MIN),  # ambiguous (24 h)
    ("failed", -2 * 60 * MIN, None, -119 * MIN),  # failed (24 h)
    ("failed", -30 * 60 * MIN, None, -30 * 60 * MIN),  # too old
]


def _database(url: str) -> Database:
    db = Database(make_engine(url))
    upgrade(db.engine)
    return db


def _insert(db: Database, now: datetime) -> None:
    """One carer with a delivery in every state of ROWS."""
    with db.session_scope() as session:
        carer = Carer(telegram_user_id=424242, chat_id=424242, locale="en")
        session.add(carer)
        session.flush()
        assert carer.id is not None
        for index, (status, due, sent, claimed) in enumerate(ROWS):
            session.add(
                PromptDelivery(
                    carer_id=carer.id,
                    prompt_id=f"availability.{index}",
                    dimension="availability",
                    kind="scheduled",
                    due_at=now + due,
                    status=status,
                    sent_at=None if sent is None else now + sent,
                    claimed_at=None if claimed is None else now + claimed,
                )
            )


def test_each_figure_counts_only_its_rows(database_url: str) -> None:
    db = _database(database_url)
    _insert(db, START)
    status = read_delivery_status(db, START)
    db.dispose()
    assert (status.backlog, status.stuck, status.in_flight) == (2, 2, 1)
    assert status.oldest_due_at == START - 10 * MIN
    assert status.oldest_due_seconds == 600
    assert status.send_rate == pytest.approx(2 / 60)
    assert (status.missed_24h, status.ambiguous_24h, status.failed_24h) == (1, 1, 1)


def test_an_empty_database_reads_as_zeros(database_url: str) -> None:
    db = _database(database_url)
    status = read_delivery_status(db, START)
    db.dispose()
    assert status.backlog == status.stuck == status.in_flight == 0
    assert status.oldest_due_at is None and status.oldest_due_seconds == 0
    assert status.send_rate == 0
    assert status.missed_24h == status.ambiguous_24h == status.failed_24h == 0


def test_moving_now_moves_the_windows(sqlite_url: str) -> None:
    """The same rows an hour later: the in-flight lease and the sent minute have passed."""
    db = _database(sqlite_url)
    _insert(db, START)
    later = read_delivery_status(db, START + 60 * MIN)
    db.dispose()
    assert (later.stuck, later.in_flight, later.send_rate) == (3, 0, 0)
    assert later.backlog == 3 and later.oldest_due_seconds == 70 * 60


def test_sqlite_reports_its_one_process_as_the_sender(sqlite_url: str) -> None:
    db = _database(sqlite_url)
    status = read_delivery_status(db, START)
    db.dispose()
    assert status.sender_held and status.sender is not None


def test_postgres_names_the_process_holding_the_sender_lock(postgres_url: str) -> None:
    db = _database(postgres_url)
    lock = SenderLock(db.engine)
    assert lock.try_acquire()
    held = read_delivery_status(db, START)
    lock.release()
    released = read_delivery_status(db, START)
    db.dispose()
    assert held.sender_held and (held.sender or "").startswith("pid ")
    assert not released.sender_held and released.sender is None


def test_status_command_prints_aligned_figures(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _database(database_url)
    _insert(db, datetime.now(UTC))
    db.dispose()
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    lines = dict(_parse(out))
    assert lines["backlog"] == "2" and lines["stuck"] == "2" and lines["in flight"] == "1"
    assert lines["send rate"] == "0.03/s"
    assert lines["missed (24 h)"] == lines["ambiguous (24 h)"] == lines["failed (24 h)"] == "1"
    late = re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \((\d+) s late\)", lines["oldest due"])
    assert late is not None and 600 <= int(late[1]) < 660
    assert lines["sender"]
    assert "424242" not in out  # the carer's Telegram id is no operator figure


def _parse(out: str) -> list[tuple[str, str]]:
    """Split ``name: value`` lines, asserting every value starts in the same column."""
    matches = [re.fullmatch(r"([a-z ()0-9]+):( +)(\S.*)", line) for line in out.splitlines()]
    assert all(matches), out
    columns = {len(m[1]) + 1 + len(m[2]) for m in matches if m}
    assert len(columns) == 1, out
    return [(m[1], m[3]) for m in matches if m]


def test_status_command_without_a_schema_says_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/empty.db")
    assert main(["status"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "db upgrade" in err


def test_a_snapshot_is_frozen() -> None:
    status = DeliveryStatus(START, 0, None, 0.0, 0, 0, 0, 0, 0, None)
    with pytest.raises(AttributeError):
        status.backlog = 1  # type: ignore[misc]
    assert not status.sender_held
