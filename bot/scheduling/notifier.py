"""Send prompts through the Telegram Bot API; map its errors to retry-or-give-up."""

from __future__ import annotations

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.handlers import keyboards, texts
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
        text = texts.prompt_message(
            t,
            self._content,
            prompt_id=message.prompt_id,
            dimension=message.dimension,
            snoozed=message.snoozed,
        )
        try:
            sent = await self._bot.send_message(
                message.chat_id,
                text,
                reply_markup=keyboards.prompt_actions(t, message.delivery_id),
            )
        except (Forbidden, BadRequest) as exc:
            raise DeliveryFailedError(type(exc).__name__, transient=False) from exc
        except (RetryAfter, NetworkError) as exc:
            raise DeliveryFailedError(type(exc).__name__, transient=True) from exc
        except TelegramError as exc:
            raise DeliveryFailedError(type(exc).__name__, transient=True) from exc
        return sent.message_id
