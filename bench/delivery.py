"""Delivery at agency scale, each figure a ratio to its floor measured or computed in the run.

1. N carers due on one slot (default 10,000, the default Mon/Wed/Fri 19:30), sent through a
   local Bot API that enforces 30 msg/s and answers 429 beyond it, in process on SQLite:
   the time to the last prompt against N/30 s, 429s, duplicates and missed; then again with
   a 50 ms round trip.
2. Three processes on one PostgreSQL sharing a Bot API over real HTTP (30 msg/s, 429s); the
   one holding the sender lock is killed with SIGKILL mid-drain: duplicates, rows left in
   sending after the lease, and delivered + ambiguous against N.

Run: python bench/delivery.py [--carers N] [--processes-carers M] [--skip-processes]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402
from telegram import Bot  # noqa: E402

from bot.i18n import Catalogs  # noqa: E402
from bot.packs.registry import ContentRegistry  # noqa: E402
from bot.ports import ManualClock  # noqa: E402
from bot.sandbox.api import BOT_USER, LocalBotApi  # noqa: E402
from bot.scheduling.notifier import TelegramPromptNotifier  # noqa: E402
from bot.scheduling.sender import PacedSender  # noqa: E402
from bot.services.prompts import PromptService  # noqa: E402
from bot.storage.db import Database, make_engine  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from bot.storage.models import Carer  # noqa: E402
from bot.storage.sender_lock import SenderLock, current_holder  # noqa: E402
from tests.http_bot_api import JsonBotApi  # noqa: E402

SLOT = datetime(2026, 11, 23, 19, 30, tzinfo=UTC)
RATE = 30
POSTGRES = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def seed(db: Database, carers: int) -> None:
    """Onboarded carers, all due on the same slot."""
    rows = [
        {
            "telegram_user_id": n,
            "chat_id": n,
            "locale": "en" if n % 3 else "es",
            "role": "foster",
            "age_band": "middle",
            "weekdays": "0,2,4",
            "prompt_time": "19:30",
            "timezone": "Europe/London",
            "onboarded_at": SLOT - timedelta(days=1),
            "paused": False,
            "next_prompt_at": SLOT,
            "created_at": SLOT - timedelta(days=1),
        }
        for n in range(1, carers + 1)
    ]
    with db.session_scope() as session:
        for start in range(0, len(rows), 5000):
            session.execute(insert(Carer), rows[start : start + 5000])


def delivery_counts(db: Database) -> Counter[str]:
    """How many deliveries ended in each state."""
    with db.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT status, count(*) FROM prompt_deliveries GROUP BY status")
        )
        return Counter({status: count for status, count in rows})


async def in_process(carers: int, latency: float) -> None:
    """Scenario 1: one process, SQLite, the in-process Bot API enforcing flood control."""
    with tempfile.TemporaryDirectory() as folder:
        db = Database(make_engine(f"sqlite:///{folder}/bench.db"))
        upgrade(db.engine)
        seed(db, carers)
        api = LocalBotApi()
        api.enforce_rate(RATE)
        api.add_latency(latency)
        bot = Bot("123456:bench", request=api, get_updates_request=api)
        await bot.initialize()
        content = ContentRegistry.load(ROOT / "content")
        notifier = TelegramPromptNotifier(bot, Catalogs.load(ROOT / "locales"), content)
        clock = ManualClock(SLOT + timedelta(seconds=5))
        prompts = PromptService(db, content, clock, PacedSender(notifier), SenderLock(db.engine))
        started = time.monotonic()
        report = await prompts.sweep()
        last = max(call.at for call in api.sent()) - started
        per_chat = Counter(call.params["chat_id"] for call in api.sent())
        counts = delivery_counts(db)
        db.dispose()
    floor = carers / RATE
    print(
        f"{carers} carers on one slot, {latency * 1000:.0f} ms round trip: last prompt after "
        f"{last:.1f} s = {last / floor:.3f}x the {floor:.1f} s floor (goal <= 1.1x); "
        f"429s {api.too_many_requests}, duplicates {sum(n - 1 for n in per_chat.values())}, "
        f"missed {counts['missed']}, sent {report.sent}, states {dict(counts)}",
        flush=True,
    )


class SharedBotApi(JsonBotApi):
    """A Bot API over HTTP for several processes: 30 msg/s, 429 beyond, every send recorded."""

    sends: ClassVar[list[int]] = []
    recent: ClassVar[list[float]] = []
    refused: ClassVar[int] = 0
    guard = threading.Lock()

    def do_POST(self) -> None:
        method = self.path.rsplit("/", 1)[-1]
        length = int(self.headers.get("Content-Length", 0))
        raw = self.rfile.read(length).decode() if length else ""
        params = (
            json.loads(raw)
            if raw.startswith("{")
            else {k: v[-1] for k, v in parse_qs(raw).items()}
        )
        if method == "sendMessage":
            self._send_message(int(params["chat_id"]))
        elif method == "getMe":
            self.reply({"ok": True, "result": BOT_USER})
        else:
            self.reply({"ok": True, "result": True})

    def _send_message(self, chat_id: int) -> None:
        with self.guard:
            now = time.monotonic()
            type(self).recent = [t for t in self.recent if now - t < 1.0]
            if len(self.recent) >= RATE:
                type(self).refused += 1
                body = {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests",
                    "parameters": {"retry_after": 1},
                }
                self.reply(body, 429)
                return
            self.recent.append(now)
            self.sends.append(chat_id)
            message_id = len(self.sends)
        chat = {"id": chat_id, "type": "private"}
        result = {"message_id": message_id, "date": 1_700_000_000, "chat": chat, "text": "."}
        self.reply({"ok": True, "result": result})


WORKER = """
import asyncio, sys, time
from datetime import datetime, timedelta, UTC
from pathlib import Path
sys.path.insert(0, {root!r})
from telegram import Bot
from bot.i18n import Catalogs
from bot.packs.registry import ContentRegistry
from bot.ports import ManualClock
from bot.scheduling.notifier import TelegramPromptNotifier
from bot.scheduling.sender import PacedSender
from bot.services.prompts import PromptService
from bot.storage.db import Database, make_engine
from bot.storage.sender_lock import SenderLock

async def main():
    db = Database(make_engine({url!r}))
    bot = Bot("123456:bench", base_url={api!r} + "/bot")
    await bot.initialize()
    root = Path({root!r})
    content = ContentRegistry.load(root / "content")
    catalogs = Catalogs.load(root / "locales")
    notifier = TelegramPromptNotifier(bot, catalogs, content)
    clock = ManualClock(datetime.now(UTC))
    lock = SenderLock(db.engine)
    prompts = PromptService(db, content, clock, PacedSender(notifier), lock, lease={lease})
    while True:
        elapsed = datetime.now(UTC) - datetime.fromisoformat({start!r})
        clock.set(datetime.fromisoformat({slot!r}) + elapsed)
        report = await prompts.sweep()
        if not report.standby:
            print("sender", report.sent, report.recovered, flush=True)
        await asyncio.sleep(0.5)

asyncio.run(main())
"""


def across_processes(carers: int, lease: float) -> None:
    """Scenario 2: three processes, one PostgreSQL, the sending one killed mid-drain."""
    schema = f"bench_{os.getpid()}"
    admin = make_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(text(f'create schema "{schema}"'))
    url = f"{POSTGRES}?options=-csearch_path%3D{schema}"
    db = Database(make_engine(url))
    upgrade(db.engine)
    seed(db, carers)
    server = ThreadingHTTPServer(("127.0.0.1", 0), SharedBotApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    api = f"http://127.0.0.1:{server.server_port}"
    start = datetime.now(UTC).isoformat()
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                _worker_code(f"{url}&application_name=worker{n}", api, lease, start),
            ],
            stdout=subprocess.DEVNULL,
        )
        for n in range(3)
    ]
    killed = _kill_the_sender(db, workers, after_sends=carers // 3)
    deadline = time.monotonic() + carers / RATE * 2 + lease + 60
    while time.monotonic() < deadline:
        counts = delivery_counts(db)
        if counts["pending"] == 0 and counts["sending"] == 0:
            break
        time.sleep(1)
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    server.shutdown()
    counts = delivery_counts(db)
    per_chat = Counter(SharedBotApi.sends)
    duplicates = sum(n - 1 for n in per_chat.values())
    accounted = counts["sent"] + counts["ambiguous"]
    print(
        f"3 processes on PostgreSQL, {carers} carers, the sender killed with SIGKILL "
        f"{killed:.0f} s in, after {carers // 3} sends: duplicates {duplicates}, "
        f"left in sending {counts['sending']}, "
        f"sent+ambiguous {accounted}/{carers} = {accounted / carers:.3f}x, "
        f"429s {SharedBotApi.refused}, states {dict(counts)}",
        flush=True,
    )
    db.dispose()
    with admin.begin() as connection:
        connection.execute(text(f'drop schema "{schema}" cascade'))
    admin.dispose()


def _worker_code(url: str, api: str, lease: float, start: str) -> str:
    """The script one worker process runs: sweep every half second, as the job queue would."""
    slot = (SLOT + timedelta(seconds=5)).isoformat()
    return WORKER.format(root=str(ROOT), url=url, api=api, lease=lease, slot=slot, start=start)


def _kill_the_sender(
    db: Database, workers: list[subprocess.Popen[bytes]], after_sends: int
) -> float:
    """Once a third of the prompts went out, SIGKILL whichever worker holds the sender lock."""
    started = time.monotonic()
    while len(SharedBotApi.sends) < after_sends:
        if all(worker.poll() is not None for worker in workers):
            raise RuntimeError("every worker exited before sending; run one by hand to see why")
        time.sleep(0.05)
    holder = current_holder(db.engine) or ""
    victim = next(w for n, w in enumerate(workers) if f"worker{n} " in f"{holder} ")
    victim.send_signal(signal.SIGKILL)
    return time.monotonic() - started


def main() -> None:
    """Run both scenarios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--carers", type=int, default=10_000)
    parser.add_argument("--processes-carers", type=int, default=3_000)
    parser.add_argument("--lease", type=float, default=20.0)
    parser.add_argument("--skip-processes", action="store_true")
    args = parser.parse_args()
    asyncio.run(in_process(args.carers, latency=0.0))
    asyncio.run(in_process(args.carers, latency=0.05))
    if not args.skip_processes:
        across_processes(args.processes_carers, args.lease)


if __name__ == "__main__":
    main()
