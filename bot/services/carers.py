"""Onboarding and settings: create a carer, change any answer, pause and resume."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, time
from functools import cache
from typing import TYPE_CHECKING

from bot.domain.errors import NoDaysChosenError, NotOnboardedError, UnknownTimezoneError
from bot.domain.model import AgeBand, Role
from bot.domain.pending import AwaitingSetting
from bot.domain.schedule import next_prompt_at, parse_local_time, resolve_timezone
from bot.i18n import Catalogs
from bot.ports import Clock
from bot.services.views import CarerView, format_weekdays, parse_weekdays
from bot.storage import repositories as repo
from bot.storage.db import Database, Session
from bot.storage.models import Carer

if TYPE_CHECKING:
    from timezonefinder import TimezoneFinder

Mutation = Callable[[Carer], None]


@cache
def _timezone_finder() -> TimezoneFinder:
    """Load the timezone polygons on the first shared location, never at start-up."""
    from timezonefinder import TimezoneFinder  # noqa: PLC0415 - only the location path needs it

    return TimezoneFinder()


def next_slot_after(carer: Carer, after: datetime) -> datetime | None:
    """Return the carer's first prompt time after ``after``, or None without a timezone."""
    if carer.timezone is None:
        return None
    return next_prompt_at(
        after=after,
        weekdays=parse_weekdays(carer.weekdays),
        at=time.fromisoformat(carer.prompt_time),
        zone=resolve_timezone(carer.timezone),
    )


def reschedule(carer: Carer, clock: Clock) -> None:
    """Recompute the next prompt time from the carer's answers; None while paused."""
    active = carer.onboarded_at is not None and not carer.paused
    carer.next_prompt_at = next_slot_after(carer, clock.now()) if active else None


def carer_for(session: Session, *, telegram_user_id: int, chat_id: int, locale: str) -> Carer:
    """Return the carer, created on first contact; a fresh start drops a pending typed answer."""
    carer = repo.get_carer_by_telegram_id(session=session, telegram_user_id=telegram_user_id)
    if carer is None:
        carer = repo.create_carer(
            session=session, telegram_user_id=telegram_user_id, chat_id=chat_id, locale=locale
        )
    carer.chat_id = chat_id
    carer.awaiting = None
    return carer


class CarerService:
    """Change what the bot knows about a carer; the schedule follows every change."""

    def __init__(self, db: Database, clock: Clock, catalogs: Catalogs) -> None:
        """Wire the database, the clock and the shipped locales."""
        self._db = db
        self._clock = clock
        self._catalogs = catalogs

    async def start(
        self, *, telegram_user_id: int, chat_id: int, language_code: str | None
    ) -> CarerView:
        """Return the carer, creating them on first contact; existing answers are kept."""

        def work(session: Session) -> CarerView:
            carer = carer_for(
                session,
                telegram_user_id=telegram_user_id,
                chat_id=chat_id,
                locale=self._catalogs.negotiate(language_code),
            )
            return CarerView.of(carer)

        return await self._db.run(work)

    async def find(self, telegram_user_id: int) -> CarerView | None:
        """Return the carer if they have started the bot."""

        def work(session: Session) -> CarerView | None:
            carer = repo.get_carer_by_telegram_id(
                session=session, telegram_user_id=telegram_user_id
            )
            return CarerView.of(carer) if carer else None

        return await self._db.run(work)

    async def locales_in_use(self) -> list[str]:
        """Return the languages carers use, most useful to prepare before they write."""
        return await self._db.run(lambda session: repo.carer_locales(session=session))

    async def require(self, telegram_user_id: int) -> CarerView:
        """Return the carer, or raise NotOnboardedError if they never sent /start."""
        view = await self.find(telegram_user_id)
        if view is None:
            raise NotOnboardedError()
        return view

    async def update(self, telegram_user_id: int, mutate: Mutation) -> CarerView:
        """Apply one change in one transaction, rescheduling only if the schedule changed.

        Leaving the schedule alone otherwise matters: a prompt due seconds ago and not yet
        swept must survive an unrelated change such as the language.
        """

        def work(session: Session) -> CarerView:
            carer = repo.get_carer_by_telegram_id(
                session=session, telegram_user_id=telegram_user_id
            )
            if carer is None:
                raise NotOnboardedError()
            before = _schedule_inputs(carer)
            mutate(carer)
            if _schedule_inputs(carer) != before:
                reschedule(carer, self._clock)
            return CarerView.of(carer)

        return await self._db.run(work)

    async def set_locale(self, telegram_user_id: int, locale: str) -> CarerView:
        """Switch the carer's language to a shipped locale."""
        chosen = locale if locale in self._catalogs.locales else self._catalogs.negotiate(locale)
        return await self.update(telegram_user_id, lambda carer: setattr(carer, "locale", chosen))

    async def set_role(self, telegram_user_id: int, role: Role) -> CarerView:
        """Record the kind of care the carer gives."""
        return await self.update(
            telegram_user_id, lambda carer: setattr(carer, "role", role.value)
        )

    async def set_age_band(self, telegram_user_id: int, band: AgeBand) -> CarerView:
        """Record the age band of the children cared for."""
        return await self.update(
            telegram_user_id, lambda carer: setattr(carer, "age_band", band.value)
        )

    async def toggle_weekday(self, telegram_user_id: int, weekday: int) -> CarerView:
        """Add or remove one prompt day; the last day cannot be removed."""

        def mutate(carer: Carer) -> None:
            days = set(parse_weekdays(carer.weekdays)) ^ {weekday % 7}
            if not days:
                raise NoDaysChosenError()
            carer.weekdays = format_weekdays(frozenset(days))

        return await self.update(telegram_user_id, mutate)

    async def set_time(self, telegram_user_id: int, typed: str) -> CarerView:
        """Set the local prompt time from a button value or typed text."""
        chosen = parse_local_time(typed)
        return await self.update(telegram_user_id, lambda carer: _set_time(carer, chosen))

    async def set_timezone(self, telegram_user_id: int, name: str) -> CarerView:
        """Set the timezone from an IANA name, as picked or typed."""
        zone = resolve_timezone(name)
        return await self.update(telegram_user_id, lambda carer: _set_zone(carer, zone.key))

    async def set_timezone_from_location(
        self, telegram_user_id: int, *, latitude: float, longitude: float
    ) -> CarerView:
        """Set the timezone of a shared location."""
        name = await asyncio.to_thread(
            lambda: _timezone_finder().timezone_at(lng=longitude, lat=latitude)
        )
        if not name or name.startswith("Etc/"):
            raise UnknownTimezoneError(f"{latitude},{longitude}")
        return await self.set_timezone(telegram_user_id, name)

    async def await_input(self, telegram_user_id: int, what: AwaitingSetting) -> CarerView:
        """Remember which typed answer the carer's next message is."""
        return await self.update(telegram_user_id, lambda carer: setattr(carer, "awaiting", what))

    async def finish_onboarding(self, telegram_user_id: int) -> CarerView:
        """Mark the privacy notice read and start the schedule."""

        def mutate(carer: Carer) -> None:
            if carer.onboarded_at is None:
                carer.onboarded_at = self._clock.now()

        return await self.update(telegram_user_id, mutate)

    async def set_paused(self, telegram_user_id: int, *, paused: bool) -> CarerView:
        """Stop or restart scheduled prompts; resuming plans from now, with no backlog."""

        def mutate(carer: Carer) -> None:
            if carer.onboarded_at is None:
                raise NotOnboardedError()
            carer.paused = paused
            carer.pause_reason = None
            carer.paused_at = self._clock.now() if paused else None

        return await self.update(telegram_user_id, mutate)


def _schedule_inputs(carer: Carer) -> tuple[object, ...]:
    return (carer.weekdays, carer.prompt_time, carer.timezone, carer.paused, carer.onboarded_at)


def _set_time(carer: Carer, chosen: time) -> None:
    carer.prompt_time = chosen.strftime("%H:%M")
    carer.awaiting = None


def _set_zone(carer: Carer, name: str) -> None:
    carer.timezone = name
    carer.awaiting = None
