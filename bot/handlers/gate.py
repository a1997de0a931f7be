"""The dispatch gate, run before every journey: private chats only, each update once.

Groups, supergroups and channels are told once that the bot works in private chats, and
the bot leaves them; nothing there reads or writes a carer's data. In a private chat the
gate drops a copy of an update already taken, and tells a carer who had blocked the bot why
their prompts stopped. A typed text (a reflection, or an answer the bot asked for) is claimed
by its journey instead, just before the journey's own transaction and on the same trip to a
worker thread.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler, filters

from bot.context import BotContext
from bot.handlers import texts
from bot.services.arrivals import Arrival

log = logging.getLogger(__name__)
GATE_GROUP = -1
# A new typed message that is no command: the text journey, which claims the update itself.
TYPED_TEXT = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
_GONE = {ChatMemberStatus.LEFT, ChatMemberStatus.BANNED}


async def admit(update: Update, context: BotContext) -> None:
    """Let a private, first-seen update through to the journeys; stop everything else."""
    if not _is_own_private_chat(update):
        await _refuse_shared_chat(update, context)
        raise ApplicationHandlerStop
    user = update.effective_user
    assert user is not None
    if _bot_has_left(update):  # the carer blocked the bot: stop prompts now
        await context.services.arrivals.mark_unreachable(user.id)
        raise ApplicationHandlerStop
    if TYPED_TEXT.check_update(update):  # the text journey claims it in its own transaction
        return
    arrival = await context.services.arrivals.arrive(
        update_id=update.update_id,
        telegram_user_id=user.id,
        command=filters.COMMAND.check_update(update) is True,
    )
    if arrival.duplicate:
        raise ApplicationHandlerStop
    await tell_why_prompts_stopped(context, user.id, arrival)


async def tell_why_prompts_stopped(context: BotContext, user_id: int, arrival: Arrival) -> None:
    """Tell a carer Telegram could not reach, on their return, that their prompts stopped."""
    if arrival.stopped_at is None:
        return
    t = context.t(arrival.locale)
    zone = arrival.timezone or "UTC"
    await context.bot.send_message(
        user_id, texts.prompts_stopped_unreachable(t, t.datetime(arrival.stopped_at, zone))
    )


def _is_own_private_chat(update: Update) -> bool:
    """A private chat whose only other member is the user behind the update."""
    chat, user = update.effective_chat, update.effective_user
    return (
        chat is not None
        and user is not None
        and chat.type == ChatType.PRIVATE
        and chat.id == user.id
        and not user.is_bot
    )


async def _refuse_shared_chat(update: Update, context: BotContext) -> None:
    """Say once, in the chat, that the bot is private-only, then leave; touch no data."""
    chat, user = update.effective_chat, update.effective_user
    t = context.t(context.services.catalogs.negotiate(user.language_code if user else None))
    if update.callback_query is not None:
        await _quietly(update.callback_query.answer(texts.private_only(t), show_alert=True))
    if chat is None or chat.type == ChatType.PRIVATE or _bot_has_left(update):
        return
    first = await context.services.arrivals.first_refusal(chat.id)
    if first or _bot_was_added(update):  # said once per chat, and again each time re-added
        await _quietly(context.bot.send_message(chat.id, texts.private_only(t)))
    await _quietly(context.bot.leave_chat(chat.id))


def _bot_has_left(update: Update) -> bool:
    """The update only reports that the bot was removed from the chat, or blocked."""
    member = update.my_chat_member
    return member is not None and member.new_chat_member.status in _GONE


def _bot_was_added(update: Update) -> bool:
    """The update reports that someone has just added the bot to the chat."""
    member = update.my_chat_member
    return member is not None and member.old_chat_member.status in _GONE


async def _quietly(call: Awaitable[object]) -> None:
    """Best effort: a shared chat that refuses the notice or the leave changes nothing."""
    try:
        await call
    except TelegramError as error:
        log.info("could not complete a shared-chat refusal: %s", type(error).__name__)


def register(app: Application) -> None:
    """Run the gate before every other handler."""
    app.add_handler(TypeHandler(Update, admit), group=GATE_GROUP)
