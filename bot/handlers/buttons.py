"""Every inline-button tap: decoded once into a typed value, then routed to its journey."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BotContext
from bot.domain.errors import ButtonExpiredError
from bot.handlers import groups, journal, onboarding, privacy, prompts, trainers
from bot.handlers.callbacks import (
    ConfigTap,
    ForgetTap,
    GroupTap,
    JournalTap,
    PromptTap,
    TrainerTap,
    decode,
)
from bot.handlers.common import reply_error

Route = Callable[[Update, BotContext, Any], Awaitable[None]]
ROUTES: dict[type, Route] = {
    ConfigTap: onboarding.tap,
    PromptTap: prompts.act_on_prompt,
    JournalTap: journal.turn_page,
    ForgetTap: privacy.confirm_forget,
    TrainerTap: trainers.tap,
    GroupTap: groups.tap,
}


async def on_button(update: Update, context: BotContext) -> None:
    """Route a tap; junk or forged data gets a translated 'expired' reply, not an error."""
    query = update.callback_query
    assert query is not None
    try:
        button = decode(query.data)
    except ButtonExpiredError as error:
        await reply_error(update, context, error)
        return
    await ROUTES[type(button)](update, context, button)


def register(app: Application) -> None:
    """Add the one handler for every button."""
    app.add_handler(CallbackQueryHandler(on_button))
