"""The single application error handler: log first, then tell the carer and the developers."""

from __future__ import annotations

import logging
import traceback

from telegram import Update
from telegram.error import TelegramError

from bot.context import BotContext
from bot.handlers import texts

log = logging.getLogger(__name__)
MAX_REPORT = 3500


async def on_error(update: object, context: BotContext) -> None:
    """Log the exception (never the update, which may hold reflection text), then report it."""
    log.error("unhandled error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat:
        user = update.effective_user
        locale = user.language_code if user else None
        t = context.t(context.services.catalogs.negotiate(locale))
        try:
            await context.bot.send_message(update.effective_chat.id, texts.unexpected_error(t))
        except TelegramError:
            log.warning("could not tell the carer about the error")
    await _report_to_developers(context)


async def _report_to_developers(context: BotContext) -> None:
    dev_chat_id = context.bot_data.dev_chat_id
    if dev_chat_id is None or context.error is None:
        return
    trace = "".join(traceback.format_exception(context.error))
    report = trace[-MAX_REPORT:]
    try:
        await context.bot.send_message(dev_chat_id, report)
    except TelegramError:
        log.warning("could not send the error report to the developer chat")
