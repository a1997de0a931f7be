"""Typed callback context: handlers reach services and translators through attributes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.i18n import Catalogs, Translator
from bot.packs.registry import ContentRegistry
from bot.services.arrivals import ArrivalService
from bot.services.assess import SuggestionEngine
from bot.services.carers import CarerService
from bot.services.inbox import InboxService
from bot.services.journal import JournalService
from bot.services.memberships import MembershipService
from bot.services.prompts import PromptService
from bot.services.reflections import ReflectionService
from bot.services.status import StatusService
from bot.services.trainers import TrainerService
from bot.storage.db import Database


@dataclass
class Services:
    """Every long-lived service, built once by the composition root."""

    db: Database
    content: ContentRegistry
    catalogs: Catalogs
    engine: SuggestionEngine
    arrivals: ArrivalService
    carers: CarerService
    prompts: PromptService
    inbox: InboxService
    reflections: ReflectionService
    journal: JournalService
    status: StatusService
    trainers: TrainerService
    memberships: MembershipService


class BotData:
    """Application-wide data: only the services, never carer state."""

    services: Services
    dev_chat_id: int | None = None
    sweep_interval: float = 30.0
    retention_days: int = 365
    # A long-running process freezes what the start and the first compile made (bot.startup).
    freeze_after_warm: bool = False


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """Callback context with typed access to services and translations."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        """Create the context PTB passes to every callback."""
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def services(self) -> Services:
        """Return the application's services."""
        return self.bot_data.services

    def t(self, locale: str | None) -> Translator:
        """Return the translator of a locale (falls back to English)."""
        return self.services.catalogs.get(locale)
