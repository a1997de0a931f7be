"""One sweep drains the whole backlog in batches; a second process stands by."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from sqlalchemy import insert
from sqlmodel import Session, select

from bot.config import PROJECT_ROOT
from bot.packs.registry import ContentRegistry
from bot.ports import ManualClock, PromptMessage
from bot.scheduling.sender import Pace, PacedSender
from bot.services.prompts import FLOOD_WINDOW_SECONDS, PLAN_BATCH, PromptService
from bot.storage.db import Database, make_engine
from bot.storage.migrate import upgrade
from bot.storage.models import Carer, PromptDelivery
from bot.storage.sender_lock import SenderLock

SLOT = datetime(2026, 11, 23, 19, 30, tzinfo=UTC)  # a Monday, London time = UTC


class RecordingNotifier:
    """Accept every prompt and remember which chats got one."""

    def __init__(self) -> None:
        self.chats: list[int] = []
        self.times: list[float] = []  # time.monotonic() of each send

    async def send_prompt(self, message: PromptMessage) -> int:
        self.chats.append(message.chat_id)
        self.times.append(time.monotonic())
        return len(self.chats)


def _seed(db: Database, carers: int) -> None:
    """Onboarded carers all due on the default Monday 19:30 slot."""
    rows = [
        {
            "telegram_user_id": n,
            "chat_id": n,
            "locale": "en",
            "role": "foster",
            "age_band": "middle",
            "weekdays": "0,2,4",
            "prompt_time": "19:30",
            "timezone": "Europe/London",
            "onboarded_at": SLOT.replace(hour=8),
            "paused": False,
            "next_prompt_at": SLOT,
            "created_at": SLOT.replace(hour=8),
        }
        for n in range(1, carers + 1)
    ]
    with db.session_scope() as session:
        session.execute(insert(Carer), rows)


def _service(db: Database, notifier: RecordingNotifier, clock: ManualClock) -> PromptService:
    content = ContentRegistry.load(PROJECT_ROOT / "content")
    sender = PacedSender(notifier, Pace(per_second=5000, per_chat_interval=0))
    return PromptService(db, content, clock, sender, SenderLock(db.engine))


async def test_one_sweep_sends_a_backlog_larger_than_a_batch_exactly_once(
    database_url: str,
) -> None:
    """More carers than one planning batch: all sent in one sweep, each once, none missed."""
    db = Database(make_engine(database_url))
    upgrade(db.engine)
    carers = PLAN_BATCH + 17  # more than one planning batch, and many claim batches
    _seed(db, carers)
    notifier = RecordingNotifier()
    prompts = _service(db, notifier, ManualClock(SLOT.replace(minute=31)))
    report = await prompts.sweep()
    prompts.stand_down()
    assert sorted(notifier.chats) == list(range(1, carers + 1))
    assert (report.planned, report.sent, report.missed) == (carers, carers, 0)
    with Session(db.engine) as session:
        statuses = session.exec(select(PromptDelivery.status)).all()
        following = session.exec(select(Carer.next_prompt_at).distinct()).all()
    assert set(statuses) == {"sent"} and len(statuses) == carers
    assert following == [SLOT.replace(day=25)]  # every schedule moved on to Wednesday
    db.dispose()


async def test_a_second_process_stands_by_while_one_sends(postgres_url: str) -> None:
    """Only the lock holder sends; the other's sweep does nothing until it takes over."""
    engines = [make_engine(postgres_url) for _ in range(2)]
    upgrade(engines[0])
    dbs = [Database(engine) for engine in engines]
    _seed(dbs[0], 5)
    clock = ManualClock(SLOT.replace(minute=31))
    notifiers = [RecordingNotifier(), RecordingNotifier()]
    holder, standby = (_service(db, n, clock) for db, n in zip(dbs, notifiers, strict=True))
    assert (await holder.sweep()).sent == 5
    assert (await standby.sweep()).standby
    holder.stand_down()
    assert not (await standby.sweep()).standby
    standby.stand_down()
    assert notifiers[1].chats == []
    for db in dbs:
        db.dispose()


async def test_a_new_sender_waits_out_the_last_second_of_the_one_before(
    postgres_url: str,
) -> None:
    """Telegram still counts what a dead sender sent in its last second: no 429 at takeover."""
    db = Database(make_engine(postgres_url))
    upgrade(db.engine)
    _seed(db, 3)
    notifier = RecordingNotifier()
    lock = SenderLock(db.engine)
    prompts = PromptService(
        db,
        ContentRegistry.load(PROJECT_ROOT / "content"),
        ManualClock(SLOT.replace(minute=31)),
        PacedSender(notifier, Pace(per_second=5000, per_chat_interval=0)),
        lock,
    )
    assert (await prompts.sweep()).sent == 3
    assert lock.taken_at is not None
    assert notifier.times[0] - lock.taken_at >= FLOOD_WINDOW_SECONDS
    prompts.stand_down()
    assert lock.taken_at is None
    db.dispose()
