"""Trainer tools in the private chat: /trainer, /report, their buttons, links, QR codes, charts."""

from __future__ import annotations

import asyncio
import io
import logging

from telegram import BotCommand, BotCommandScopeChat, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler

from bot.context import BotContext
from bot.domain.errors import DomainError
from bot.domain.model import Dimension
from bot.handlers import texts, trainer_texts
from bot.handlers import trainer_keyboards as kb
from bot.handlers.callbacks import TrainerTap
from bot.handlers.common import edit, message, reply_error, user_id
from bot.i18n import Translator
from bot.packs.registry import ContentRegistry
from bot.reports.spec import ChartSpec
from bot.services.trainer_views import (
    BroadcastPreview,
    BroadcastQueued,
    GroupScreen,
    Hub,
    PlanScreen,
    PlansScreen,
    ReportScreen,
    ThemeScreen,
    TrainerScreen,
    Typing,
    Visitor,
)

log = logging.getLogger(__name__)
LINK_DAYS, LINK_CAP = 7, 30


def join_link(context: BotContext, code: str) -> str:
    """Return the deep link that opens the bot with a join code."""
    return f"https://t.me/{context.bot.username}?start={code}"


def render(  # noqa: PLR0911 - one return per kind of screen
    t: Translator, content: ContentRegistry, screen: TrainerScreen, link: str = ""
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Turn any trainer screen into text and buttons."""
    if isinstance(screen, Hub):
        return trainer_texts.hub(t, content, screen), kb.hub(t, screen)
    if isinstance(screen, GroupScreen):
        return trainer_texts.group_page(t, content, screen.group, link), kb.group(t, screen.group)
    if isinstance(screen, ThemeScreen):
        return trainer_texts.theme_screen(t, content, screen), kb.theme(t, content, screen)
    if isinstance(screen, PlansScreen):
        return trainer_texts.plans_screen(t, screen), kb.plans(t, screen)
    if isinstance(screen, PlanScreen):
        return trainer_texts.plan_screen(t, content, screen), kb.plan(t, content, screen)
    if isinstance(screen, BroadcastPreview):
        return trainer_texts.broadcast_preview(t, screen), kb.broadcast(t, screen)
    if isinstance(screen, BroadcastQueued):
        return trainer_texts.broadcast_queued(t, screen), kb.back_to(t, screen.group.id)
    if isinstance(screen, ReportScreen):
        return trainer_texts.report_text(t, content, screen), kb.report(t, screen)
    if isinstance(screen, Typing):
        return trainer_texts.typing(t, screen), None
    return texts.domain_error(t, screen.error) + "\n\n" + trainer_texts.typing(
        t, Typing(screen.trainer, screen.ask)
    ), None


def _link(context: BotContext, screen: TrainerScreen) -> str:
    group = getattr(screen, "group", None)
    invite = getattr(group, "invite", None)
    return join_link(context, invite.code) if invite else ""


async def show(update: Update, context: BotContext, screen: TrainerScreen) -> None:
    """Show a screen: edit the tapped message, or answer a typed command or text."""
    t = context.t(screen.trainer.locale)
    text, markup = render(t, context.services.content, screen, _link(context, screen))
    if update.callback_query is not None:
        await update.callback_query.answer()
        await edit(update.callback_query, text, markup)
    else:
        await message(update).reply_text(text, reply_markup=markup)
    if isinstance(screen, ReportScreen):
        await send_chart(context, screen)


async def send_chart(context: BotContext, screen: ReportScreen) -> None:
    """Render the report chart off the event loop and send it; none when figures are hidden."""
    t = context.t(screen.trainer.locale)
    spec = trainer_texts.chart_spec(t, context.services.content, screen)
    if spec is None or screen.trainer.chat_id is None:
        return
    png = await _drawn(spec)
    await context.bot.send_photo(screen.trainer.chat_id, io.BytesIO(png), caption=spec.title)


def _visitor(update: Update) -> Visitor:
    """Describe the Telegram user opening trainer tools."""
    user = update.effective_user
    assert user is not None and update.effective_chat is not None
    return Visitor(
        user_id=user.id,
        chat_id=update.effective_chat.id,
        name=user.full_name,
        username=user.username,
        language_code=user.language_code,
    )


async def open_tools(update: Update, context: BotContext) -> None:
    """/trainer: the trainer's home, or a polite refusal."""
    try:
        screen = await context.services.trainers.open_hub(_visitor(update))
    except DomainError as error:
        await reply_error(update, context, error)
        return
    await show(update, context, screen)
    await register_menus(context.application)


async def redeem(update: Update, context: BotContext, code: str) -> None:
    """/start t_...: a one-time trainer link makes the user a trainer."""
    try:
        screen = await context.services.trainers.redeem(code, _visitor(update))
    except DomainError as error:
        await reply_error(update, context, error)
        return
    t = context.t(screen.trainer.locale)
    await message(update).reply_text(trainer_texts.trainer_welcome(t))
    await show(update, context, screen)
    await register_menus(context.application)


async def report_command(update: Update, context: BotContext) -> None:
    """/report: the current week's report of each open group."""
    try:
        hub = await context.services.trainers.hub(user_id(update))
    except DomainError as error:
        await reply_error(update, context, error)
        return
    if not hub.groups:
        await show(update, context, hub)
        return
    for group in hub.groups:
        await show(
            update,
            context,
            await context.services.trainers.report(user_id(update), group.id, None),
        )


async def tap(update: Update, context: BotContext, button: TrainerTap) -> None:
    """Route a trainer's tap to one service call; another trainer's ids find nothing."""
    try:
        screen = await _act(update, context, button)
    except DomainError as error:
        await reply_error(update, context, error)
        return
    if screen is not None:
        await show(update, context, screen)


async def _act(  # noqa: C901, PLR0911, PLR0912 - one branch per button, each a single call
    update: Update, context: BotContext, button: TrainerTap
) -> TrainerScreen | None:
    service, uid = context.services.trainers, user_id(update)
    g, n, v = button.target, button.number, button.value
    action = button.action
    if action == "hub":
        return await service.hub(uid)
    if action == "group":
        return await service.group(uid, g)
    if action in {"new", "rename", "note", "bcast", "pnote", "pname", "tz"}:
        ask = {
            "new": "group_name", "rename": "rename", "note": "note", "bcast": "broadcast",
            "pnote": "plan_note", "pname": "plan_name", "tz": "timezone",
        }[action]  # fmt: skip
        return await service.ask(uid, ask, g, n)
    if action == "archive":
        screen = await service.group(uid, g)
        t = context.t(screen.trainer.locale)
        assert update.callback_query is not None
        await update.callback_query.answer()
        await edit(
            update.callback_query,
            trainer_texts.archive_confirm(t, screen.group),
            kb.archive_confirm(t, screen.group),
        )
        return None
    if action == "archiveok":
        return await service.archive(uid, g)
    if action == "link":
        days = LINK_DAYS if v == "7d" else None
        cap = LINK_CAP if v == "30u" else None
        return await service.new_invite(uid, g, days=days, cap=cap)
    if action == "revoke":
        return await service.revoke_invite(uid, g)
    if action == "qr":
        await _send_qr(update, context, await service.group(uid, g))
        return None
    if action == "theme":
        return await service.theme_screen(uid, g, n)
    if action == "settheme":
        return await service.set_theme(uid, g, n, None if v == "rest" else Dimension(v))
    if action == "plans":
        return await service.plans(uid, g)
    if action == "plan":
        return await service.plan(uid, g)
    if action == "assign":
        return await service.assign_plan(uid, g, n, next_week=v == "next")
    if action == "copy":
        source = await service.plan(uid, g)
        t = context.t(source.trainer.locale)
        return await service.copy_plan(uid, g, trainer_texts.plan_copy_name(t, source.plan))
    if action in {"pcycle", "padd", "pdrop"}:
        return await _edit_plan(context, uid, button)
    if action == "bsend":
        return await service.send_broadcast(uid, g)
    if action == "bcancel":
        screen = await service.group(uid, g)
        assert update.callback_query is not None
        await update.callback_query.answer()
        await edit(
            update.callback_query,
            trainer_texts.broadcast_cancelled(context.t(screen.trainer.locale)),
        )
        return screen
    if action == "report":
        return await service.report(uid, g, n)
    return await service.set_digest(uid, v == "on")


async def _edit_plan(context: BotContext, uid: int, button: TrainerTap) -> PlanScreen:
    """Cycle a week through the dimensions and a rest week; add or drop a week."""
    service = context.services.trainers
    if button.action == "pcycle":
        current = (await service.plan(uid, button.target)).plan.weeks
        order: list[Dimension | None] = [*Dimension, None]
        now = current[button.number].dimension if button.number < len(current) else None
        following = order[(order.index(now) + 1) % len(order)]
        return await service.edit_plan_week(uid, button.target, button.number, "set", following)
    action = "add" if button.action == "padd" else "drop"
    return await service.edit_plan_week(uid, button.target, 0, action)


async def _send_qr(update: Update, context: BotContext, screen: GroupScreen) -> None:
    """Send the join link as a QR code image to show in a training room."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    t = context.t(screen.trainer.locale)
    link = _link(context, screen)
    if not link:
        await message(update).reply_text(
            trainer_texts.group_page(t, context.services.content, screen.group, link)
        )
        return
    png = await asyncio.to_thread(qr_png, link)
    await context.bot.send_photo(
        user_id(update), io.BytesIO(png), caption=trainer_texts.qr_caption(t, screen.group, link)
    )


async def _drawn(spec: ChartSpec) -> bytes:
    """Draw a report chart off the event loop."""
    from bot.reports.chart import render_chart  # noqa: PLC0415 - a restart draws no chart

    return await asyncio.to_thread(render_chart, spec)


def qr_png(link: str) -> bytes:
    """Render a link as a QR code PNG, large enough to scan across a room."""
    import segno  # noqa: PLC0415 - only the QR path needs it

    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=12, border=4)
    return buffer.getvalue()


async def register_menus(app: Application) -> None:
    """Give trainers their own command menu (per chat); take it away from removed ones."""
    services = app.bot_data.services
    add, drop = await services.trainers.menus_to_register()
    done: list[int] = []
    cleared: list[int] = []
    for trainer in add:
        t = services.catalogs.get(trainer.locale)
        commands = [
            BotCommand(name, description)
            for name, description in [
                *texts.command_descriptions(t),
                trainer_texts.groups_command(t),
                *trainer_texts.trainer_commands(t),
            ]
        ]
        try:
            await app.bot.set_my_commands(
                commands, scope=BotCommandScopeChat(trainer.chat_id or 0)
            )
            done.append(trainer.id)
        except TelegramError as error:
            log.warning("could not set a trainer's command menu: %s", type(error).__name__)
    for chat_id in drop:
        try:
            await app.bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))
            cleared.append(chat_id)
        except TelegramError as error:
            log.warning("could not clear a trainer's command menu: %s", type(error).__name__)
    if done or cleared:
        await services.trainers.menus_registered(done, cleared)


async def send_digests(app: Application) -> int:
    """Send each trainer's Monday digest once; return how many reports went out."""
    services = app.bot_data.services
    reports = await services.trainers.due_digests()
    told: set[int] = set()
    for screen in reports:
        t = services.catalogs.get(screen.trainer.locale)
        chat = screen.trainer.chat_id
        if chat is None:
            continue
        try:
            if screen.trainer.id not in told:
                await app.bot.send_message(chat, trainer_texts.digest_intro(t))
                told.add(screen.trainer.id)
            await app.bot.send_message(
                chat, trainer_texts.report_text(t, services.content, screen)
            )
            spec = trainer_texts.chart_spec(t, services.content, screen)
            if spec is not None:
                png = await _drawn(spec)
                await app.bot.send_photo(chat, io.BytesIO(png), caption=spec.title)
        except TelegramError as error:
            log.warning("could not send a trainer digest: %s", type(error).__name__)
    return len(reports)


def register(app: Application) -> None:
    """Add the trainer commands."""
    app.add_handler(CommandHandler("trainer", open_tools))
    app.add_handler(CommandHandler("report", report_command))
