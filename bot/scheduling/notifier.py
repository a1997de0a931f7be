"""Send prompts through the Telegram Bot API; map its errors to what they mean for delivery."""

from __future__ import annotations

from datetime import timedelta

import httpx
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.domain.delivery import SendOutcome
from bot.handlers import keyboards, texts, trainer_texts
from bot.i18n import Catalogs
from bot.packs.registry import ContentRegistry
from bot.ports import DeliveryFailedError, PromptMessage


class TelegramPromptNotifier:
    """Implements ports.PromptNotifier on a PTB Bot."""

    def __init__(self, bot: Bot, catalogs: Catalogs, content: ContentRegistry) -> None:
        """Wire the bot, translations and packs used to render prompts."""
        self._bot = bot
        self._catalogs = catalogs
        self._content = content

    async def send_prompt(self, message: PromptMessage) -> int:
        """Render and send one prompt with its buttons; return the Telegram message id."""
        t = self._catalogs.get(message.locale)
        if message.broadcast is None and not message.dimension:
            # A trainer's message whose group was deleted while it waited: nothing to send.
            raise DeliveryFailedError("message gone", outcome=SendOutcome.REJECTED)
        if message.broadcast is not None:
            body, group, trainer = message.broadcast
            text, markup = trainer_texts.broadcast_message(t, body, group, trainer), None
        else:
            text = texts.prompt_message(
                t,
                self._content,
                prompt_id=message.prompt_id,
                dimension=message.dimension,
                snoozed=message.snoozed,
            )
            if message.note:
                text = trainer_texts.with_theme_note(t, message.note, text)
            markup = keyboards.prompt_actions(t, message.delivery_id)
        try:
            sent = await self._bot.send_message(message.chat_id, text, reply_markup=markup)
        except TelegramError as exc:
            raise classify(exc) from exc
        return sent.message_id


# Transport errors raised before the request could reach Telegram: sending again is safe.
_NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
    httpx.ProxyError,
)


def classify(exc: TelegramError) -> DeliveryFailedError:
    """Say what a Bot API error means for the delivery; when unsure, it may have arrived."""
    name = type(exc).__name__
    if isinstance(exc, RetryAfter):
        wait = exc.retry_after
        seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
        return DeliveryFailedError(name, outcome=SendOutcome.RETRY, retry_after=seconds)
    if isinstance(exc, Forbidden) or (
        isinstance(exc, BadRequest) and "chat not found" in exc.message.lower()
    ):
        return DeliveryFailedError(name, outcome=SendOutcome.UNREACHABLE)
    if isinstance(exc, BadRequest):
        return DeliveryFailedError(name, outcome=SendOutcome.REJECTED)
    if isinstance(exc, NetworkError) and isinstance(exc.__cause__, _NOT_SENT):
        return DeliveryFailedError(name, outcome=SendOutcome.RETRY)
    return DeliveryFailedError(name, outcome=SendOutcome.AMBIGUOUS)
