"""What happens to every private update before its journey: duplicates, stale answers, returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.pending import AwaitingSetting, AwaitingTrainer
from bot.ports import Clock
from bot.storage import repositories as repo
from bot.storage.db import Database, Session
from bot.storage.models import Carer

UNREACHABLE = "unreachable"  # Carer.pause_reason when Telegram refused to deliver


@dataclass(frozen=True)
class Arrival:
    """The verdict on one update: drop it as a copy, or go on (telling why prompts stopped)."""

    duplicate: bool = False
    locale: str | None = None
    stopped_at: datetime | None = None  # prompts stopped because the carer was unreachable
    timezone: str | None = None


class ArrivalService:
    """One short transaction per update, shared by every journey."""

    def __init__(self, db: Database, clock: Clock) -> None:
        """Wire storage and time."""
        self._db = db
        self._clock = clock

    async def arrive(self, *, update_id: int, telegram_user_id: int, command: bool) -> Arrival:
        """Take the update once; a command abandons a pending typed answer.

        Usually one statement: the claim also reads what the gate needs about the carer, and
        the carer row is loaded only when there is something to change.
        """
        now = self._clock.now()

        def work(session: Session) -> Arrival:
            return take_arrival(
                session,
                update_id=update_id,
                telegram_user_id=telegram_user_id,
                now=now,
                command=command,
            )

        return await self._db.run(work)

    async def release(self, update_id: int) -> None:
        """Let a redelivered copy of a failed update be handled again."""
        await self._db.run(
            lambda session: repo.release_update(session=session, update_id=update_id)
        )

    async def first_refusal(self, chat_id: int) -> bool:
        """Say whether a shared chat has not yet been told the bot is private-only."""
        now = self._clock.now()
        return await self._db.run(
            lambda session: repo.first_refusal(session=session, chat_id=chat_id, now=now)
        )

    async def mark_unreachable(self, telegram_user_id: int) -> None:
        """The carer blocked the bot: stop prompts now, and say why when they come back."""
        now = self._clock.now()

        def work(session: Session) -> None:
            carer = repo.get_carer_by_telegram_id(
                session=session, telegram_user_id=telegram_user_id
            )
            if carer is not None:
                stop_unreachable(carer, now)

        await self._db.run(work)


def take_arrival(
    session: Session, *, update_id: int, telegram_user_id: int, now: datetime, command: bool
) -> Arrival:
    """Claim the update inside the caller's transaction (the gate's, or a journey's own)."""
    claimed = repo.claim_update(
        session=session, update_id=update_id, telegram_user_id=telegram_user_id, now=now
    )
    if claimed is None:
        return Arrival(duplicate=True)
    stale = command and isinstance(claimed.awaiting, AwaitingSetting | AwaitingTrainer)
    if not stale and claimed.pause_reason != UNREACHABLE:
        return Arrival(locale=claimed.locale)
    carer = repo.get_carer_by_telegram_id(session=session, telegram_user_id=telegram_user_id)
    return Arrival() if carer is None else _arrival_of(carer, command=command)


def _arrival_of(carer: Carer, *, command: bool) -> Arrival:
    """Drop an abandoned typed answer; tell, once, a carer Telegram could not reach why."""
    if command and isinstance(carer.awaiting, AwaitingSetting | AwaitingTrainer):
        carer.awaiting = None
    if carer.pause_reason != UNREACHABLE:
        return Arrival(locale=carer.locale)
    carer.pause_reason = None  # told once
    return Arrival(locale=carer.locale, stopped_at=carer.paused_at, timezone=carer.timezone)


def stop_unreachable(carer: Carer, now: datetime) -> None:
    """Pause a carer Telegram will not deliver to, remembering why and since when."""
    if carer.pause_reason == UNREACHABLE and carer.paused:
        return
    carer.paused = True
    carer.pause_reason = UNREACHABLE
    carer.paused_at = now
    carer.next_prompt_at = None
