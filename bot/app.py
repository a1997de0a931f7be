"""The composition root: the only place that builds the Application and wires services."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from telegram import BotCommand, LinkPreviewOptions
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest

from bot import handlers
from bot.config import Settings
from bot.context import BotContext, BotData, Services
from bot.handlers import keyboards, texts, trainer_texts
from bot.handlers import trainers as trainers_handlers
from bot.handlers.errors import on_error
from bot.i18n import DEFAULT_LOCALE
from bot.packs.plans import load_plans
from bot.packs.validate import load_validated
from bot.ports import Clock, SystemClock
from bot.scheduling.jobs import plan_sweep
from bot.scheduling.notifier import TelegramPromptNotifier
from bot.scheduling.sender import Pace, PacedSender
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
from bot.startup import freeze_long_lived
from bot.storage.db import Database, make_engine
from bot.storage.migrate import ensure_current
from bot.storage.sender_lock import SenderLock
from bot.towns import Towns, WordsAndTowns
from bot.updates import ChatOrderedProcessor

WARM_JOB = "warm judgement"
SANDBOX_TOKEN = "123456:sandbox-token-not-used-on-any-network"

BotApplication = Application[Any, BotContext, Any, Any, BotData, Any]


def build_application(
    settings: Settings, *, request: BaseRequest | None = None, clock: Clock | None = None
) -> BotApplication:
    """Load content, migrate the database, wire services and register handlers."""
    clock = clock or SystemClock()
    # Refuses to start on invalid packs, contacts or catalogs, listing every problem at once.
    content, catalogs = load_validated(
        settings.content_dir, settings.locales_dir, settings.agency_dir, settings.cache_dir
    )
    content.judge_at_once(settings.model_instances)
    db = Database(make_engine(settings.database_url))
    ensure_current(db.engine)
    token = settings.bot_token.get_secret_value() if settings.bot_token else SANDBOX_TOKEN
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .defaults(Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .concurrent_updates(ChatOrderedProcessor(settings.concurrent_updates))
        .post_init(on_startup)
        .post_shutdown(on_shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    app: BotApplication = builder.build()
    typed_words = WordsAndTowns(catalogs, Towns(settings.cache_dir, content.formats))
    engine = SuggestionEngine(content)
    reflections = ReflectionService(db, content, clock, engine)
    trainers = TrainerService(
        db,
        clock,
        shipped_plans=load_plans(settings.content_dir)[0],
        default_zones={loc: zones[0] for loc, zones in keyboards.SUGGESTED_TIMEZONES.items()},
        negotiate=catalogs.negotiate,
        typed_words=typed_words,
    )
    trainers.sync_shipped_plans(trainer_texts.shipped_plan_names(catalogs.get(DEFAULT_LOCALE)))
    app.bot_data.services = Services(
        db=db,
        content=content,
        catalogs=catalogs,
        engine=engine,
        arrivals=ArrivalService(db, clock),
        carers=CarerService(db, clock, catalogs),
        prompts=PromptService(
            db,
            content,
            clock,
            PacedSender(
                TelegramPromptNotifier(app.bot, catalogs, content),
                Pace(per_second=settings.send_rate_per_second),
            ),
            SenderLock(db.engine),
            lease=settings.delivery_lease_seconds,
        ),
        inbox=InboxService(
            db,
            clock,
            reflections,
            trainer_input=trainers.typed,
            typed_words=typed_words,
        ),
        reflections=reflections,
        journal=JournalService(db, content, clock, retention_days=settings.retention_days),
        status=StatusService(db, clock, lease=timedelta(seconds=settings.delivery_lease_seconds)),
        trainers=trainers,
        memberships=MembershipService(db, clock, catalogs),
    )
    app.bot_data.dev_chat_id = settings.dev_chat_id
    app.bot_data.sweep_interval = settings.sweep_interval_seconds
    app.bot_data.retention_days = settings.retention_days
    handlers.register(app)
    app.add_error_handler(on_error)
    return app


async def on_startup(app: BotApplication) -> None:
    """Register the command menu per language and plan the sweep from the database."""
    services = app.bot_data.services
    for locale in services.catalogs.locales:
        if locale != DEFAULT_LOCALE and len(locale) != 2:
            continue  # Telegram takes two-letter ISO 639-1 codes only; "ckb" sees the default
        t = services.catalogs.get(locale)
        commands = [
            BotCommand(name, description)
            for name, description in [
                *texts.command_descriptions(t),
                trainer_texts.groups_command(t),
            ]
        ]
        await app.bot.set_my_commands(
            commands, language_code=None if locale == DEFAULT_LOCALE else locale
        )
    await trainers_handlers.register_menus(app)
    plan_sweep(app, app.bot_data.sweep_interval)
    if app.job_queue is not None:
        app.job_queue.run_once(warm_judgement, when=0, name=WARM_JOB)


async def warm_judgement(context: BotContext) -> None:
    """Compile the rules of the languages carers use now, so no first reflection waits."""
    services = context.bot_data.services
    locales = await services.carers.locales_in_use()
    await asyncio.to_thread(services.content.warm, locales)
    if context.bot_data.freeze_after_warm:
        await asyncio.to_thread(freeze_long_lived)


async def on_shutdown(app: BotApplication) -> None:
    """Hand the sender role to another process, then release database connections."""
    app.bot_data.services.prompts.stand_down()
    app.bot_data.services.db.dispose()
