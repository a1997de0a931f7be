"""/start, /help and /language, plus helpers every journey uses."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CommandHandler

from bot.context import BotContext
from bot.domain.errors import DomainError
from bot.handlers import keyboards, texts
from bot.i18n import Translator


def user_id(update: Update) -> int:
    """Return the id of the Telegram user behind an update."""
    assert update.effective_user is not None
    return update.effective_user.id


def message(update: Update) -> Message:
    """Return the message of a message update."""
    assert update.effective_message is not None
    return update.effective_message


async def translator_for(update: Update, context: BotContext) -> Translator:
    """Use the carer's chosen language, else Telegram's language code, else English."""
    carer = await context.services.carers.find(user_id(update))
    if carer is not None:
        return context.t(carer.locale)
    user = update.effective_user
    return context.t(context.services.catalogs.negotiate(user.language_code if user else None))


async def reply_error(update: Update, context: BotContext, error: DomainError) -> None:
    """Explain a fixable problem in the carer's language."""
    t = await translator_for(update, context)
    if update.callback_query is not None:
        await update.callback_query.answer()
    await message(update).reply_text(texts.domain_error(t, error))


async def edit(
    query: CallbackQuery, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> None:
    """Replace a message's text and buttons; a double tap that changes nothing is fine."""
    with _unchanged_is_fine():
        await query.edit_message_text(text, reply_markup=reply_markup)


async def clear_buttons(query: CallbackQuery) -> None:
    """Remove the buttons under a message once they have been used."""
    with _unchanged_is_fine():
        await query.edit_message_reply_markup(None)


@contextmanager
def _unchanged_is_fine() -> Iterator[None]:
    """Swallow only Telegram's refusal of an edit that would change nothing."""
    try:
        yield
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise


async def start(update: Update, context: BotContext) -> None:
    """Begin onboarding or welcome back a carer; a link's payload opens an invite."""
    user = update.effective_user
    assert user is not None and update.effective_chat is not None
    payload = context.args[0] if context.args else ""
    if payload.startswith(("g_", "t_")):
        from bot.handlers import groups, trainers  # noqa: PLC0415 - both import this module

        await (groups.show_join if payload.startswith("g_") else trainers.redeem)(
            update, context, payload
        )
        return
    view = await context.services.carers.start(
        telegram_user_id=user.id,
        chat_id=update.effective_chat.id,
        language_code=user.language_code,
    )
    t = context.t(view.locale)
    if view.onboarded:
        await message(update).reply_text(
            texts.resumed(t, view), reply_markup=keyboards.settings_menu(t)
        )
        return
    await message(update).reply_text(
        texts.welcome(t),
        reply_markup=keyboards.languages(keyboards.ONBOARDING, context.services.catalogs.locales),
    )


async def show_help(update: Update, context: BotContext) -> None:
    """List the commands."""
    t = await translator_for(update, context)
    await message(update).reply_text(texts.help_text(t, context.bot_data.retention_days))


async def choose_language(update: Update, context: BotContext) -> None:
    """Offer the shipped languages."""
    t = await translator_for(update, context)
    await message(update).reply_text(
        texts.language_prompt(t),
        reply_markup=keyboards.languages(keyboards.SETTINGS, context.services.catalogs.locales),
    )


def register(app: Application) -> None:
    """Add the common commands."""
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("help", show_help))
    app.add_handler(CommandHandler("language", choose_language))
