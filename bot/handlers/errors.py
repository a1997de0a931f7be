"""The single application error handler: log first, then tell the carer and the developers."""

from __future__ import annotations

import logging
import traceback
import uuid
from dataclasses import dataclass

from telegram import Update
from telegram.error import TelegramError

from bot.context import BotContext
from bot.handlers import texts

log = logging.getLogger(__name__)
HANDLERS_PACKAGE = "bot.handlers."


@dataclass(frozen=True)
class Incident:
    """What developers learn about an error: never its message, user input or file paths."""

    id: str
    kind: str
    handler: str

    @classmethod
    def of(cls, error: BaseException | None) -> Incident:
        """Describe an error by its type and raising handler, under a fresh correlation id."""
        kind = type(error).__name__ if error is not None else "unknown"
        return cls(id=uuid.uuid4().hex[:12], kind=kind, handler=_raising_handler(error))

    def report(self) -> str:
        """Return the developer chat message: enough to find the traceback in the log."""
        return f"Unhandled error {self.id}\ntype: {self.kind}\nhandler: {self.handler}"


def _raising_handler(error: BaseException | None) -> str:
    """Name the deepest bot.handlers frame as module.function: where to look, with no path."""
    frames = traceback.walk_tb(error.__traceback__) if error is not None else iter(())
    names = [
        f"{frame.f_globals['__name__']}.{frame.f_code.co_name}"
        for frame, _ in frames
        if str(frame.f_globals.get("__name__", "")).startswith(HANDLERS_PACKAGE)
    ]
    return names[-1] if names else "unknown"


async def on_error(update: object, context: BotContext) -> None:
    """Log the traceback (redacted by the log filter) under an id the report repeats."""
    incident = Incident.of(context.error)
    log.error(
        "unhandled error %s: %s in %s",
        incident.id,
        incident.kind,
        incident.handler,
        exc_info=context.error,
    )
    await _release(update, context)
    await _apologise(update, context)
    await _report_to_developers(context, incident)


async def _release(update: object, context: BotContext) -> None:
    """Let Telegram's redelivery of this update be handled again, since this attempt failed."""
    if isinstance(update, Update):
        await context.services.arrivals.release(update.update_id)


async def _apologise(update: object, context: BotContext) -> None:
    """Tell the carer, in their language, that their last message was not saved."""
    if not isinstance(update, Update) or not update.effective_chat:
        return
    user = update.effective_user
    t = context.t(context.services.catalogs.negotiate(user.language_code if user else None))
    try:
        await context.bot.send_message(update.effective_chat.id, texts.unexpected_error(t))
    except TelegramError:
        log.warning("could not tell the carer about the error")


async def _report_to_developers(context: BotContext, incident: Incident) -> None:
    """Send the incident, never the traceback: its messages may quote what carers wrote."""
    dev_chat_id = context.bot_data.dev_chat_id
    if dev_chat_id is None:
        return
    try:
        await context.bot.send_message(dev_chat_id, incident.report())
    except TelegramError:
        log.warning("could not send the error report %s to the developer chat", incident.id)
