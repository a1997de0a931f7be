"""The paced sender against a recording Bot API that enforces Telegram's flood control."""

from __future__ import annotations

import time

import pytest
from telegram import Bot

from bot.config import PROJECT_ROOT
from bot.domain.delivery import SendOutcome
from bot.i18n import Catalogs
from bot.packs.registry import ContentRegistry
from bot.ports import PromptMessage
from bot.sandbox.api import LocalBotApi
from bot.scheduling.notifier import TelegramPromptNotifier
from bot.scheduling.sender import Pace, PacedSender


async def _sender(api: LocalBotApi, pace: Pace) -> PacedSender:
    bot = Bot("123456:sandbox", request=api, get_updates_request=api)
    await bot.initialize()
    content = ContentRegistry.load(PROJECT_ROOT / "content")
    catalogs = Catalogs.load(PROJECT_ROOT / "locales")
    return PacedSender(TelegramPromptNotifier(bot, catalogs, content), pace)


def _prompt(delivery_id: int, chat_id: int) -> PromptMessage:
    return PromptMessage(
        carer_id=delivery_id,
        chat_id=chat_id,
        locale="en",
        delivery_id=delivery_id,
        prompt_id="availability.p01",
        dimension="availability",
    )


def _send_times(api: LocalBotApi) -> list[float]:
    return [call.at for call in api.sent()]


async def test_the_global_rate_is_kept_without_a_single_429() -> None:
    """90 chats at 30 msg/s against an API that answers 429 beyond 30 in any second."""
    api = LocalBotApi()
    api.enforce_rate(30)
    sender = await _sender(api, Pace(per_second=30))
    started = time.monotonic()
    results = await sender.send_all([_prompt(n, 1000 + n) for n in range(1, 91)])
    elapsed = time.monotonic() - started
    assert [r.outcome for r in results] == [SendOutcome.SENT] * 90
    assert api.too_many_requests == 0
    assert 2.8 <= elapsed <= 3.6  # 90 / 30 s, evenly spaced rather than in bursts


async def test_sends_leave_a_little_further_apart_than_the_rate() -> None:
    """Thirty sends span over a second, so arrival jitter cannot put 31 in Telegram's second."""
    sender = await _sender(LocalBotApi(), Pace(per_second=30))
    assert sender.interval * 30 == pytest.approx(1 + Pace.spacing_margin)
    assert Pace.spacing_margin >= 0.01


async def test_a_429_pauses_every_send_for_retry_after_and_nothing_is_lost() -> None:
    """One 429 with retry_after=1: all sends wait; the refused prompt goes out once."""
    api = LocalBotApi()
    api.fail_next("sendMessage", status=429, description="Too Many Requests", retry_after=1)
    sender = await _sender(api, Pace(per_second=100))
    started = time.monotonic()
    results = await sender.send_all([_prompt(n, 2000 + n) for n in range(1, 6)])
    assert [r.outcome for r in results] == [SendOutcome.SENT] * 5
    assert sender.pauses == 1
    assert sorted(call.params["chat_id"] for call in api.sent()) == [2001, 2002, 2003, 2004, 2005]
    assert all(at - started >= 1.0 for at in _send_times(api))  # nothing slipped through


async def test_one_chat_gets_at_most_one_message_a_second() -> None:
    """Two prompts for the same chat are a second apart even at a high global rate."""
    api = LocalBotApi()
    sender = await _sender(api, Pace(per_second=1000))
    await sender.send_all([_prompt(1, 3001), _prompt(2, 3001), _prompt(3, 3002)])
    same_chat = [c.at for c in api.sent() if c.params["chat_id"] == 3001]
    assert len(same_chat) == 2 and same_chat[1] - same_chat[0] >= 0.99


async def test_connection_failures_back_off_exponentially_then_give_the_prompt_back() -> None:
    """Refused connections: retried with growing waits, then handed back as 'retry'."""
    api = LocalBotApi()
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    bot = Bot("123456:sandbox", request=api)
    await bot.initialize()
    api.drop_connection_next(times=10)
    content = ContentRegistry.load(PROJECT_ROOT / "content")
    notifier = TelegramPromptNotifier(bot, Catalogs.load(PROJECT_ROOT / "locales"), content)
    sender = PacedSender(notifier, Pace(per_second=1000, attempts=4), sleep=sleep)
    [result] = await sender.send_all([_prompt(1, 4001)])
    assert result.outcome is SendOutcome.RETRY and api.sent() == []
    assert waits == [0.5, 1.0, 2.0, 4.0]


async def test_a_timeout_after_sending_is_ambiguous_and_not_retried() -> None:
    """Telegram got it but the answer was lost: reported as ambiguous, sent exactly once."""
    api = LocalBotApi()
    api.time_out_after_sending_next()
    sender = await _sender(api, Pace(per_second=1000))
    [result] = await sender.send_all([_prompt(1, 5001)])
    assert result.outcome is SendOutcome.AMBIGUOUS
    assert len(api.sent()) == 1


async def test_blocked_missing_and_refused_chats_are_told_apart() -> None:
    """403 and 'chat not found' mean unreachable; any other 400 rejects that message only."""
    api = LocalBotApi()
    api.fail_next("sendMessage", status=403, description="Forbidden: bot was blocked by the user")
    sender = await _sender(api, Pace(per_second=1000))
    [blocked] = await sender.send_all([_prompt(1, 6001)])
    api.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    [missing] = await sender.send_all([_prompt(2, 6002)])
    api.fail_next("sendMessage", status=400, description="Bad Request: message text is empty")
    [refused] = await sender.send_all([_prompt(3, 6003)])
    assert blocked.outcome is SendOutcome.UNREACHABLE
    assert missing.outcome is SendOutcome.UNREACHABLE
    assert refused.outcome is SendOutcome.REJECTED
