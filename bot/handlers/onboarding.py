"""Onboarding and /settings: one stateless button flow, answers saved at every step.

Every button carries its flow ("ob" onboarding, "set" settings), so no conversation state
lives in memory: a restart or another worker process can take the next tap.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from bot.context import BotContext
from bot.domain.errors import DomainError
from bot.domain.model import AgeBand, Role
from bot.domain.pending import NEXT_STEP, AwaitingSetting, Flow, SettingField, offered_by
from bot.handlers import keyboards, texts
from bot.handlers.callbacks import TYPED, ConfigTap
from bot.handlers.common import clear_buttons, edit, message, reply_error, user_id
from bot.i18n import Translator
from bot.services.carers import CarerService
from bot.services.views import CarerView

Rendered = tuple[str, InlineKeyboardMarkup | None]


@dataclass(frozen=True)
class Offer:
    """What the deployment offers every carer: its languages and its retention period."""

    locales: tuple[str, ...]
    retention_days: int

    @classmethod
    def of(cls, context: BotContext) -> Offer:
        """Read the deployment's offer from the application."""
        return cls(context.services.catalogs.locales, context.bot_data.retention_days)


_STEPS: dict[str, Callable[[Translator, Flow, CarerView, Offer], Rendered]] = {
    "language": lambda t, flow, view, offer: (
        texts.language_prompt(t),
        keyboards.languages(flow, offer.locales),
    ),
    "role": lambda t, flow, view, offer: (texts.ask_role(t), keyboards.roles(t, flow)),
    "ages": lambda t, flow, view, offer: (texts.ask_age_band(t), keyboards.age_bands(t, flow)),
    "days": lambda t, flow, view, offer: (
        texts.ask_days(t, view),
        keyboards.weekdays(t, flow, view),
    ),
    "time": lambda t, flow, view, offer: (texts.ask_time(t), keyboards.times(t, flow)),
    "timezone": lambda t, flow, view, offer: (
        texts.ask_timezone(t),
        keyboards.timezones(t, flow),
    ),
    "privacy": lambda t, flow, view, offer: (
        texts.privacy_notice(t, offer.retention_days),
        keyboards.privacy(t),
    ),
}

_SAVERS: dict[str, Callable[[CarerService, int, str], Awaitable[CarerView]]] = {
    "lang": lambda carers, uid, arg: carers.set_locale(uid, arg),
    "role": lambda carers, uid, arg: carers.set_role(uid, Role(arg)),
    "age": lambda carers, uid, arg: carers.set_age_band(uid, AgeBand(arg)),
    "day": lambda carers, uid, arg: carers.toggle_weekday(uid, int(arg)),
    "days": lambda carers, uid, arg: carers.require(uid),
    "time": lambda carers, uid, arg: carers.set_time(uid, arg),
    "tz": lambda carers, uid, arg: carers.set_timezone(uid, arg),
}


def render_step(t: Translator, step: str, flow: Flow, view: CarerView, offer: Offer) -> Rendered:
    """Return the question and buttons of one step, or the settings summary."""
    build = _STEPS.get(step)
    if build is None:
        return texts.settings_summary(t, view), keyboards.settings_menu(t)
    return build(t, flow, view, offer)


def next_step(step: str, flow: Flow, view: CarerView) -> str:
    """Name what follows an answered step: the next question, or the settings summary."""
    if flow == keyboards.ONBOARDING and not view.onboarded:
        return NEXT_STEP.get(step, "summary")
    return "summary"


def after(step: str, flow: Flow, view: CarerView, t: Translator, offer: Offer) -> Rendered:
    """Render what follows an answered step: the next question, or the settings summary."""
    return render_step(t, next_step(step, flow, view), flow, view, offer)


_STEP_OF_ACTION = {
    "lang": "language",
    "role": "role",
    "age": "ages",
    "day": "days",
    "days": "days",
    "time": "time",
    "tz": "timezone",
}


async def apply_choice(update: Update, context: BotContext, tap: ConfigTap) -> Rendered:
    """Save one tapped answer and return what to show next."""
    carers = context.services.carers
    uid = user_id(update)
    offer = Offer.of(context)
    if tap.action == "ask":
        view = await _asking(carers, uid, tap.value, tap.flow)
        return render_step(context.t(view.locale), tap.value, tap.flow, view, offer)
    step = _STEP_OF_ACTION[tap.action]
    if tap.value == TYPED:
        field: SettingField = "time" if tap.action == "time" else "timezone"
        view = await carers.await_input(uid, AwaitingSetting(field, tap.flow))
        t = context.t(view.locale)
        return (texts.ask_typed_time(t) if field == "time" else texts.ask_typed_timezone(t)), None
    view = await _SAVERS[tap.action](carers, uid, tap.value)
    t = context.t(view.locale)
    if tap.action == "day":
        return render_step(t, "days", tap.flow, view, offer)
    shown = next_step(step, tap.flow, view)
    if offered_by(shown, tap.flow) is not None:
        view = await _asking(carers, uid, shown, tap.flow)
    return render_step(t, shown, tap.flow, view, offer)


async def _asking(carers: CarerService, uid: int, step: str, flow: Flow) -> CarerView:
    """Show a question: one whose buttons also take a typed time or place listens for it."""
    offered = offered_by(step, flow)
    return await (carers.require(uid) if offered is None else carers.await_input(uid, offered))


async def tap(update: Update, context: BotContext, button: ConfigTap) -> None:
    """Handle any onboarding or settings button."""
    query = update.callback_query
    assert query is not None
    try:
        if button.action == "privacy":
            await finish(update, context)
            return
        text, markup = await apply_choice(update, context, button)
    except DomainError as error:
        await reply_error(update, context, error)
        return
    await query.answer()
    await edit(query, text, reply_markup=markup)


async def finish(update: Update, context: BotContext) -> None:
    """End onboarding: start the schedule and confirm it."""
    query = update.callback_query
    assert query is not None
    view = await context.services.carers.finish_onboarding(user_id(update))
    t = context.t(view.locale)
    await query.answer()
    await clear_buttons(query)
    await message(update).reply_text(texts.onboarding_done(t, view, context.services.content))


async def show_settings(update: Update, context: BotContext) -> None:
    """Show every answer with buttons to change each."""
    try:
        view = await context.services.carers.require(user_id(update))
    except DomainError as error:
        await reply_error(update, context, error)
        return
    t = context.t(view.locale)
    await message(update).reply_text(
        texts.settings_summary(t, view), reply_markup=keyboards.settings_menu(t)
    )


async def share_location(update: Update, context: BotContext) -> None:
    """Set the timezone from a shared location; the coordinates themselves are not stored."""
    location = message(update).location
    assert location is not None
    try:
        view = await context.services.carers.set_timezone_from_location(
            user_id(update), latitude=location.latitude, longitude=location.longitude
        )
    except DomainError as error:
        await reply_error(update, context, error)
        return
    t = context.t(view.locale)
    flow = keyboards.SETTINGS if view.onboarded else keyboards.ONBOARDING
    text, markup = after("timezone", flow, view, t, Offer.of(context))
    await message(update).reply_text(text, reply_markup=markup)


async def pause(update: Update, context: BotContext) -> None:
    """Stop scheduled prompts."""
    await _set_paused(update, context, paused=True)


async def resume(update: Update, context: BotContext) -> None:
    """Restart scheduled prompts from now."""
    await _set_paused(update, context, paused=False)


async def _set_paused(update: Update, context: BotContext, *, paused: bool) -> None:
    try:
        view = await context.services.carers.set_paused(user_id(update), paused=paused)
    except DomainError as error:
        await reply_error(update, context, error)
        return
    t = context.t(view.locale)
    await message(update).reply_text(texts.paused(t) if paused else texts.resumed(t, view))


def register(app: Application) -> None:
    """Add the onboarding and settings handlers."""
    app.add_handler(CommandHandler("settings", show_settings))
    app.add_handler(CommandHandler("pause", pause))
    app.add_handler(CommandHandler("resume", resume))
    app.add_handler(MessageHandler(filters.LOCATION, share_location))
