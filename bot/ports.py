"""Protocols for side effects, so services run the same against Telegram, the sandbox or fakes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.domain.delivery import SendOutcome


class LocaleWords(Protocol):
    """The words a locale's CLDR data gives for places and parts of the day."""

    def cities(self, locale: str) -> Mapping[str, str]:
        """City names folded by bot.domain.schedule.place_key, to IANA zone ids."""
        ...

    def day_periods(self, locale: str) -> Mapping[str, str]:
        """The locale's words for parts of the day ('م', '下午'), to "am", "pm" or "night"."""
        ...


class TypedWords(LocaleWords, Protocol):
    """What carers may type for a setting in their own language, by locale."""

    def town(self, locale: str, name: str) -> str | None:
        """A town no zone is named after ('Manchester', '北京'), to its IANA zone id."""
        ...


class NoTypedWords:
    """No words of any language: IANA ids, English city names and am/pm only."""

    def cities(self, locale: str) -> Mapping[str, str]:
        """No city names."""
        return {}

    def day_periods(self, locale: str) -> Mapping[str, str]:
        """No words for parts of the day beyond the Latin am and pm, read anyway."""
        return {}

    def town(self, locale: str, name: str) -> str | None:
        """No towns."""
        return None


class Clock(Protocol):
    """Tell the time; tests and the sandbox move it by hand."""

    def now(self) -> datetime:
        """Return the current timezone-aware instant."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """Return the current instant in UTC."""
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to; used by tests and the sandbox's ``:wait``."""

    def __init__(self, start: datetime) -> None:
        """Start at ``start`` (timezone-aware)."""
        self._now = start

    def now(self) -> datetime:
        """Return the frozen instant."""
        return self._now

    def advance(self, delta: timedelta) -> None:
        """Move time forward."""
        self._now += delta

    def set(self, instant: datetime) -> None:
        """Jump to an instant."""
        self._now = instant


@dataclass(frozen=True)
class PromptMessage:
    """Everything needed to put one prompt in front of a carer."""

    carer_id: int
    chat_id: int
    locale: str
    delivery_id: int
    prompt_id: str
    dimension: str
    snoozed: bool = False
    note: str | None = None  # a trainer's theme note, shown verbatim above the prompt
    broadcast: tuple[str, str, str] | None = None  # a trainer's message: text, group, trainer


class DeliveryFailedError(Exception):
    """Sending failed; ``outcome`` says whether it may have arrived and whether to retry."""

    def __init__(
        self, reason: str, *, outcome: SendOutcome, retry_after: float | None = None
    ) -> None:
        """Record why, what it means for the delivery, and any wait Telegram asked for."""
        super().__init__(reason)
        self.reason = reason
        self.outcome = outcome
        self.retry_after = retry_after


class PromptNotifier(Protocol):
    """Send a prompt to a chat and return the id of the message that carries it."""

    async def send_prompt(self, message: PromptMessage) -> int:
        """Send, raising DeliveryFailedError when Telegram refuses or is unreachable."""
        ...
