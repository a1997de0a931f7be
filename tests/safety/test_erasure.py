"""Erasure reaches the disk: /forget and retention leave no copy in the database or its WAL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.config import Settings
from bot.ports import ManualClock
from tests.harness import Chat, running_chat

MARKER = "zebra-crossing-4471 she told me about the dream"


def _raw_bytes(database: Path) -> bytes:
    """The database file and its WAL, as a forensic reader would see them."""
    parts = [database, database.with_name(database.name + "-wal")]
    return b"".join(part.read_bytes() for part in parts if part.exists())


def _database_file(chat: Chat) -> Path:
    url = str(chat.app.bot_data.services.db.engine.url)
    return Path(url.removeprefix("sqlite:///"))


async def test_forget_leaves_no_copy_of_the_text_on_disk(chat: Chat) -> None:
    """While the bot runs: the deleted text is in neither the file nor the WAL."""
    await chat.onboard()
    for n in range(5):
        await chat.send(f"{MARKER} {n} " + "we walked by the river " * 40)
        chat.clock.advance(timedelta(minutes=1))
    database = _database_file(chat)
    assert MARKER.encode() in _raw_bytes(database)  # the probe can see text when it is there
    await chat.send("/forget")
    await chat.tap("Yes, delete everything")
    assert chat.carer() is None
    assert MARKER.encode() not in _raw_bytes(database)


async def test_retention_deletes_old_reflections_and_prompts_in_the_sweep(
    sqlite_url: str, clock: ManualClock
) -> None:
    """RETENTION_DAYS=30: a 31-day-old reflection and its prompt go; a recent one stays."""
    settings = Settings(database_url=sqlite_url, retention_days=30, _env_file=None)
    async with running_chat(settings, clock) as chat:
        await chat.onboard()
        await chat.send("/prompt")
        await chat.send(f"{MARKER} an old reflection")
        clock.advance(timedelta(days=31))
        await chat.send("/prompt")
        await chat.send("A recent reflection about the park.")
        await chat.run_sweep()
        assert [r.text for r in chat.reflections()] == ["A recent reflection about the park."]
        assert len(chat.deliveries()) == 1
        assert MARKER.encode() not in _raw_bytes(_database_file(chat))


async def test_carers_are_told_the_retention_period(sqlite_url: str, clock: ManualClock) -> None:
    """The privacy notice and /help state the period the deployment is configured with."""
    settings = Settings(database_url=sqlite_url, retention_days=90, _env_file=None)
    async with running_chat(settings, clock) as chat:
        await chat.onboard()
        notice = next(t for t in chat.texts() if t.startswith("Before we start"))
        assert "deleted automatically 90 days after" in notice
        help_calls = await chat.send("/help")
        assert "deleted automatically 90 days after" in help_calls[-1].text
        await chat.send("/language")
        await chat.tap("Español")
        ayuda = await chat.send("/help")
        assert "se borran automáticamente 90 días después" in ayuda[-1].text
