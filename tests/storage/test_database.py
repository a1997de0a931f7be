"""Migrations and multi-process scheduling on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

import bot.storage.models  # noqa: F401 - registers tables
from bot.config import PROJECT_ROOT
from bot.domain.model import AgeBand, Role
from bot.i18n import Catalogs
from bot.packs.registry import ContentRegistry
from bot.ports import ManualClock, PromptMessage
from bot.scheduling.sender import Pace, PacedSender
from bot.services.carers import CarerService
from bot.services.prompts import PromptService
from bot.storage import repositories as repo
from bot.storage.db import Database, make_engine
from bot.storage.migrate import (
    HEAD_REVISION,
    MIGRATIONS,
    ensure_current,
    stamped_revisions,
    upgrade,
)
from bot.storage.models import PromptDelivery, Reflection
from bot.storage.sender_lock import SenderLock


def test_migrations_match_the_models(database_url: str) -> None:
    """Upgrading twice is safe and leaves no difference from the SQLModel tables."""
    engine = make_engine(database_url)
    upgrade(engine)
    upgrade(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []
    engine.dispose()


def test_head_revision_is_alembics_own_head() -> None:
    """The shortcut start-up takes compares with the real newest migration, not a stale name."""
    assert ScriptDirectory(str(MIGRATIONS)).get_heads() == [HEAD_REVISION]


def test_a_current_database_starts_without_alembic(database_url: str) -> None:
    """A database behind head is upgraded; once at head, start-up only reads the stamp."""
    engine = make_engine(database_url)
    assert stamped_revisions(engine) == []
    upgrade(engine, "0005")
    assert stamped_revisions(engine) == ["0005"]
    assert ensure_current(engine) is True
    assert stamped_revisions(engine) == [HEAD_REVISION]
    assert ensure_current(engine) is False
    engine.dispose()


class RecordingNotifier:
    """Records prompts instead of sending them; optionally slow, to widen race windows."""

    def __init__(self) -> None:
        self.sent: list[PromptMessage] = []

    async def send_prompt(self, message: PromptMessage) -> int:
        await asyncio.sleep(0.01)
        self.sent.append(message)
        return 1000 + len(self.sent)


async def test_parallel_workers_never_double_a_prompt(database_url: str) -> None:
    """Three workers sweeping the same database at once send each due prompt exactly once.

    On PostgreSQL one of them holds the sender lock and the others stand by; on SQLite
    (one process in production) all three drain, and the claims alone keep it exactly once.
    """
    engine = make_engine(database_url)
    upgrade(engine)
    db = Database(engine)
    content = ContentRegistry.load(PROJECT_ROOT / "content")
    catalogs = Catalogs.load(PROJECT_ROOT / "locales")
    clock = ManualClock(datetime(2026, 11, 23, 8, tzinfo=UTC))
    carers = CarerService(db, clock, catalogs)
    for user in range(1, 21):
        await carers.start(telegram_user_id=user, chat_id=user, language_code="en")
        await carers.set_role(user, Role.FOSTER)
        await carers.set_age_band(user, AgeBand.MIDDLE)
        await carers.set_timezone(user, "Europe/London")
        await carers.finish_onboarding(user)
    clock.advance(timedelta(hours=12))  # 20:00 on Monday: every 19:30 prompt is due
    notifiers = [RecordingNotifier() for _ in range(3)]
    worker_dbs = [Database(make_engine(database_url)) for _ in notifiers]
    workers = [
        PromptService(
            worker_db,
            content,
            clock,
            PacedSender(notifier, Pace(per_second=1000)),
            SenderLock(worker_db.engine),
        )
        for worker_db, notifier in zip(worker_dbs, notifiers, strict=True)
    ]
    await asyncio.gather(*(worker.sweep() for worker in workers))
    await asyncio.gather(*(worker.sweep() for worker in workers))
    for worker in workers:
        worker.stand_down()
    sent = [message.chat_id for notifier in notifiers for message in notifier.sent]
    assert sorted(sent) == list(range(1, 21))
    with Session(engine) as session:
        rows = session.exec(select(PromptDelivery)).all()
        assert len(rows) == 20 and {row.status for row in rows} == {"sent"}
    for worker_db in worker_dbs:
        worker_db.dispose()
    engine.dispose()


def test_database_errors_never_carry_reflection_text(sqlite_url: str) -> None:
    """A failed insert's message, which ends up in logs, omits the bound values."""
    engine = make_engine(sqlite_url)
    upgrade(engine)
    orphan = Reflection(
        carer_id=999,
        text="very private words",
        locale="en",
        telegram_message_id=1,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    with Session(engine) as session:
        session.add(orphan)
        with pytest.raises(IntegrityError) as error:
            session.commit()
    assert "very private words" not in str(error.value)
    engine.dispose()


def test_a_shared_chat_is_recorded_as_told_only_once(database_url: str) -> None:
    """The private-only notice is said once per chat on both databases."""
    engine = make_engine(database_url)
    upgrade(engine)
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    with Session(engine) as session:
        assert repo.first_refusal(session=session, chat_id=-100, now=now) is True
        assert repo.first_refusal(session=session, chat_id=-100, now=now) is False
        session.commit()
    engine.dispose()
