"""Route a carer's typed text: an answer the bot asked for, or a reflection."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.errors import DomainError, NotOnboardedError
from bot.domain.schedule import parse_local_time, resolve_timezone
from bot.ports import Clock
from bot.services.carers import reschedule
from bot.services.reflections import IncomingText, ReflectionService
from bot.services.views import CarerView, ReflectionOutcome
from bot.storage import repositories as repo
from bot.storage.db import Database, Session
from bot.storage.models import Carer


@dataclass(frozen=True)
class SettingAnswered:
    """The text answered a settings question; ``flow`` says where to go next."""

    carer: CarerView
    field: str
    flow: str


@dataclass(frozen=True)
class SettingRejected:
    """The text could not answer a settings question; ask again."""

    carer: CarerView
    field: str
    flow: str
    error: DomainError


InboxResult = SettingAnswered | SettingRejected | ReflectionOutcome


class InboxService:
    """Decide what a text message is, from what the carer was last asked."""

    def __init__(self, db: Database, clock: Clock, reflections: ReflectionService) -> None:
        """Wire storage, time and the reflection service."""
        self._db = db
        self._clock = clock
        self._reflections = reflections

    async def receive_text(self, incoming: IncomingText) -> InboxResult:
        """Handle one text message in one transaction."""

        def work(session: Session) -> InboxResult:
            carer = repo.get_carer_by_telegram_id(
                session=session, telegram_user_id=incoming.telegram_user_id
            )
            if carer is None:
                raise NotOnboardedError()
            awaiting = carer.awaiting or ""
            field, _, flow = awaiting.partition(":")
            if field in {"timezone", "time"}:
                return self._answer_setting(carer, field, flow, incoming.text)
            if carer.onboarded_at is None:
                raise NotOnboardedError()
            return self._reflections.record(session, carer, incoming)

        return await self._db.run(work)

    def _answer_setting(
        self, carer: Carer, field: str, flow: str, text: str
    ) -> SettingAnswered | SettingRejected:
        try:
            if field == "timezone":
                carer.timezone = resolve_timezone(text).key
            else:
                carer.prompt_time = parse_local_time(text).strftime("%H:%M")
        except DomainError as error:
            return SettingRejected(CarerView.of(carer), field, flow, error)
        carer.awaiting = None
        reschedule(carer, self._clock)
        return SettingAnswered(CarerView.of(carer), field, flow)
