"""Send prompts at Telegram's pace: a global rate, one message a second per chat, 429 pauses.

Telegram allows about 30 messages a second in bulk and one a second to the same chat, and
answers 429 with ``retry_after`` beyond that. The sender spaces sends with a leaky bucket
(aiolimiter, no bursts), keeps several requests in flight to hide round trips, pauses every
send for ``retry_after`` on any 429, and backs off exponentially on connection errors.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from aiolimiter import AsyncLimiter

from bot.domain.delivery import SendOutcome
from bot.ports import DeliveryFailedError, PromptMessage, PromptNotifier

log = logging.getLogger(__name__)
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class Pace:
    """How fast to send; the defaults are Telegram's limits for a free bot."""

    per_second: float = 30.0
    # Sends leave this much further apart than the rate alone asks. Telegram counts a send when
    # it arrives, and a few milliseconds of jitter on the way put 31 sends in one second when
    # they leave exactly 1/30 s apart (seen: one 429 in 10,000 sends); 2% absorbs 20 ms.
    spacing_margin: float = 0.02
    per_chat_interval: float = 1.0
    in_flight: int = 8
    attempts: int = 5  # tries per message in one drain before it goes back to pending
    backoff_base: float = 0.5
    backoff_cap: float = 30.0


@dataclass(frozen=True)
class SendResult:
    """What happened to one prompt: the outcome, its message id, and why it failed."""

    message: PromptMessage
    outcome: SendOutcome
    message_id: int | None = None
    reason: str | None = None


class PacedSender:
    """Drain a batch of prompts through the notifier without tripping flood control."""

    def __init__(
        self, notifier: PromptNotifier, pace: Pace | None = None, *, sleep: Sleep = asyncio.sleep
    ) -> None:
        """Wire the outgoing channel and the pace; ``sleep`` is replaceable in tests."""
        self._notifier = notifier
        self.pace = pace or Pace()
        self._sleep = sleep
        self.interval = (1 + self.pace.spacing_margin) / self.pace.per_second
        self._limiter = AsyncLimiter(1, self.interval)  # evenly spaced, no burst
        self._chat_ready: dict[int, float] = {}
        self._resume_at = 0.0
        self.pauses = 0  # 429s seen, for status and tests

    def hold_until(self, moment: float) -> None:
        """Send nothing before ``moment`` (``time.monotonic()``), as after a 429."""
        self._resume_at = max(self._resume_at, moment)

    async def send_all(self, messages: Sequence[PromptMessage]) -> list[SendResult]:
        """Send every message, several in flight, each at most once per attempt."""
        gate = asyncio.Semaphore(self.pace.in_flight)

        async def one(message: PromptMessage) -> SendResult:
            async with gate:
                return await self._send(message)

        return list(await asyncio.gather(*(one(m) for m in messages)))

    async def _send(self, message: PromptMessage) -> SendResult:
        """Try one prompt until it is sent, refused, ambiguous, or out of attempts."""
        for attempt in range(self.pace.attempts):
            await self._wait_turn(message.chat_id)
            try:
                message_id = await self._notifier.send_prompt(message)
            except DeliveryFailedError as failure:
                if failure.outcome is not SendOutcome.RETRY:
                    self._spaced(message.chat_id)
                    return SendResult(message, failure.outcome, reason=failure.reason)
                await self._after_refusal(failure, attempt)
                continue
            self._spaced(message.chat_id)
            return SendResult(message, SendOutcome.SENT, message_id=message_id)
        return SendResult(message, SendOutcome.RETRY, reason="retries exhausted")

    async def _wait_turn(self, chat_id: int) -> None:
        """Wait out a 429 pause, this chat's one-second spacing, then the global rate."""
        while (delay := max(self._resume_at, self._chat_ready.get(chat_id, 0.0)) - _now()) > 0:
            await self._sleep(delay)
        async with self._limiter:
            pass

    def _spaced(self, chat_id: int) -> None:
        """Telegram handled a message to this chat: the next one waits a second."""
        self._chat_ready[chat_id] = _now() + self.pace.per_chat_interval
        if len(self._chat_ready) > 10_000:
            self._forget_idle_chats()

    async def _after_refusal(self, failure: DeliveryFailedError, attempt: int) -> None:
        """Pause every send for a 429; back off exponentially for a connection failure."""
        if failure.retry_after is not None:
            self.pauses += 1
            self._resume_at = max(self._resume_at, _now() + failure.retry_after)
            log.warning("Telegram asked to wait %.1f s; all sends paused", failure.retry_after)
            return
        await self._sleep(min(self.pace.backoff_cap, self.pace.backoff_base * 2**attempt))

    def _forget_idle_chats(self) -> None:
        """Keep the per-chat table small: chats whose spacing has passed need no entry."""
        now = _now()
        self._chat_ready = {chat: t for chat, t in self._chat_ready.items() if t > now}


def _now() -> float:
    return time.monotonic()
