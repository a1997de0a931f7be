"""Typed text (a reflection, or an answer the bot asked for) and everything that is not text."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, MessageHandler, filters

from bot.context import BotContext
from bot.domain.errors import DomainError
from bot.handlers import texts, trainers
from bot.handlers.common import message, reply_error, translator_for, user_id
from bot.handlers.gate import TYPED_TEXT, tell_why_prompts_stopped
from bot.handlers.onboarding import Offer, after
from bot.services.inbox import SettingAnswered, SettingRejected
from bot.services.reflections import IncomingText
from bot.services.trainer_views import TRAINER_SCREEN_TYPES
from bot.services.views import Acknowledged, ReflectionOutcome, RevisionOutcome, UnkeptConcern

CarerResult = (
    Acknowledged
    | UnkeptConcern
    | SettingRejected
    | SettingAnswered
    | RevisionOutcome
    | ReflectionOutcome
)

NOT_TEXT = (
    filters.VOICE
    | filters.AUDIO
    | filters.PHOTO
    | filters.Sticker.ALL
    | filters.Document.ALL
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.ANIMATION
    | filters.CONTACT
    | filters.POLL
)


async def receive_text(update: Update, context: BotContext) -> None:
    """Store a reflection and reply, or take a typed timezone or time."""
    msg = message(update)
    assert msg.text is not None
    incoming = IncomingText(
        telegram_user_id=user_id(update),
        message_id=msg.message_id,
        text=msg.text,
        reply_to_message_id=msg.reply_to_message.message_id if msg.reply_to_message else None,
        fallback_locale=_telegram_locale(update, context),
    )
    arrival, result = await context.services.inbox.receive_text(
        incoming, update_id=update.update_id
    )
    if result is None:  # a copy of an update already taken
        return
    await tell_why_prompts_stopped(context, incoming.telegram_user_id, arrival)
    if isinstance(result, DomainError):
        await reply_error(update, context, result)
        return
    if isinstance(result, TRAINER_SCREEN_TYPES):
        await trainers.show(update, context, result)
        return
    text, markup = _reply(result, context)
    await msg.reply_text(text, reply_markup=markup)


def _reply(result: CarerResult, context: BotContext) -> tuple[str, InlineKeyboardMarkup | None]:
    """Render what a carer's text came to: a signpost, a suggestion, or the next question."""
    if isinstance(result, UnkeptConcern):
        return texts.unkept_concern(context.t(result.locale), result), None
    t = context.t(result.carer.locale)
    if isinstance(result, SettingRejected):
        return texts.domain_error(t, result.error), None
    if isinstance(result, SettingAnswered):
        return after(result.field, result.flow, result.carer, t, Offer.of(context))
    if isinstance(result, RevisionOutcome):
        return texts.revision_reply(t, result), None
    if isinstance(result, Acknowledged):
        return texts.acknowledged(t), None
    return texts.reflection_reply(t, result.assessment), None


async def revise_text(update: Update, context: BotContext) -> None:
    """Keep the journal in step when a carer edits a reflection they sent."""
    msg = message(update)
    assert msg.text is not None
    incoming = IncomingText(
        telegram_user_id=user_id(update), message_id=msg.message_id, text=msg.text
    )
    try:
        outcome = await context.services.reflections.revise(incoming)
    except DomainError as error:
        await reply_error(update, context, error)
        return
    if outcome is None:
        return
    await msg.reply_text(texts.revision_reply(context.t(outcome.carer.locale), outcome))


async def refuse_non_text(update: Update, context: BotContext) -> None:
    """Explain kindly that only text is kept; a caption is still read for a worry."""
    msg = message(update)
    concern = None
    if msg.caption:
        concern = await context.services.inbox.read_caption(
            user_id(update), msg.caption, _telegram_locale(update, context)
        )
    if concern is not None:
        await msg.reply_text(texts.unkept_concern(context.t(concern.locale), concern))
        return
    t = await translator_for(update, context)
    await msg.reply_text(texts.non_text(t))


def _telegram_locale(update: Update, context: BotContext) -> str:
    """The shipped language nearest Telegram's, for someone with no carer row yet."""
    user = update.effective_user
    return context.services.catalogs.negotiate(user.language_code if user else None)


def register_edits(app: Application) -> None:
    """Route every edited message here, before commands, so an edit never re-runs one."""
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.TEXT, revise_text))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, ignore_edit))


async def ignore_edit(update: Update, context: BotContext) -> None:
    """Edits of anything but text change nothing stored."""


def register(app: Application) -> None:
    """Add the text and non-text handlers; they go last so commands win."""
    app.add_handler(MessageHandler(TYPED_TEXT, receive_text))
    app.add_handler(MessageHandler(NOT_TEXT, refuse_non_text))
