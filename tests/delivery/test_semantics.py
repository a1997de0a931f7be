"""Delivery semantics through the real sweep: never twice, never stuck, failures told apart."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from bot.storage.db import make_engine
from bot.storage.migrate import upgrade
from bot.storage.sender_lock import SenderLock
from tests.harness import Chat

MONDAY_EVENING = datetime(2026, 11, 23, 19, 30, 5, tzinfo=UTC)


async def _due_prompt(chat: Chat) -> None:
    await chat.onboard()
    chat.clock.set(MONDAY_EVENING)


async def _claimed_minutes_ago(chat: Chat, minutes: int) -> None:
    """A sent /prompt put back in 'sending', as a sender that died mid-call leaves it."""
    await chat.onboard()
    await chat.send("/prompt")
    with chat.app.bot_data.services.db.engine.begin() as connection:
        connection.execute(
            text("UPDATE prompt_deliveries SET status = 'sending', claimed_at = :at"),
            {"at": (chat.clock.now() - timedelta(minutes=minutes)).replace(tzinfo=None)},
        )


async def test_a_timeout_after_telegram_accepted_is_never_resent(chat: Chat) -> None:
    """The answer is lost: recorded as ambiguous, not sent again, and its buttons work."""
    await _due_prompt(chat)
    chat.api.time_out_after_sending_next()
    first = await chat.run_sweep()
    assert len(first) == 1  # it did reach the carer
    assert chat.deliveries()[-1].status == "ambiguous"
    chat.clock.advance(timedelta(minutes=5))
    assert await chat.run_sweep() == []
    calls = await chat.tap_data("prompt:answer:1", message_id=first[0].message_id or 0)
    assert "Go ahead: write your reflection" in calls[-1].text


async def test_a_row_stuck_in_sending_past_its_lease_is_recovered_and_counted(
    chat: Chat,
) -> None:
    """A crash between claim and record: the next sweep resolves it without resending."""
    await _claimed_minutes_ago(chat, 6)
    mark = len(chat.api.sent())
    report = await chat.app.bot_data.services.prompts.sweep()
    assert report.recovered == 1
    assert chat.deliveries()[-1].status == "ambiguous"
    assert len(chat.api.sent()) == mark


async def test_a_row_within_its_lease_is_left_alone(chat: Chat) -> None:
    """Another sweep still sending it: not recovered yet."""
    await _claimed_minutes_ago(chat, 1)
    report = await chat.app.bot_data.services.prompts.sweep()
    assert report.recovered == 0 and chat.deliveries()[-1].status == "sending"


async def test_another_400_fails_that_prompt_only_and_is_reported(
    chat: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    """The carer stays active and gets the next prompt; the refusal is logged by id."""
    await _due_prompt(chat)
    chat.api.fail_next("sendMessage", status=400, description="Bad Request: can't parse entities")
    caplog.set_level(logging.WARNING)
    assert await chat.run_sweep() == []
    carer = chat.carer()
    assert chat.deliveries()[-1].status == "failed"
    assert chat.deliveries()[-1].last_error == "BadRequest"
    assert carer is not None and not carer.paused and carer.next_prompt_at is not None
    assert "delivery 1 refused by Telegram (BadRequest)" in caplog.text


async def test_chat_not_found_pauses_with_the_reason_kept(chat: Chat) -> None:
    """Like a block: prompts stop, and the carer is told why when they return."""
    await _due_prompt(chat)
    chat.api.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    await chat.run_sweep()
    carer = chat.carer()
    assert carer is not None and carer.paused and carer.pause_reason == "unreachable"
    calls = await chat.send("/start")
    assert "Your prompts stopped on" in calls[0].text


def test_the_sender_lock_passes_to_another_process_when_its_holder_is_killed(
    postgres_url: str,
) -> None:
    """SIGKILL the holder: PostgreSQL drops its session, and the next try takes over."""
    engine = make_engine(postgres_url)
    upgrade(engine)
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, postgres_url],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        standby = SenderLock(engine)
        assert standby.try_acquire() is False
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        deadline = time.monotonic() + 10
        while not standby.try_acquire():
            assert time.monotonic() < deadline, "the lock was not released"
            time.sleep(0.1)
        standby.release()
    finally:
        holder.kill()
        holder.communicate()
        engine.dispose()


_HOLD_LOCK = """
import sys, time
from sqlalchemy import create_engine
from bot.storage.sender_lock import SenderLock
assert SenderLock(create_engine(sys.argv[1])).try_acquire()
print("held", flush=True)
time.sleep(600)
"""
