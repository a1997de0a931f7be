"""/prompt and the Answer, Later today, Tomorrow and Skip buttons under every prompt."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.context import BotContext
from bot.domain.errors import DomainError
from bot.handlers import texts
from bot.handlers.callbacks import PromptTap
from bot.handlers.common import clear_buttons, message, reply_error, user_id


async def prompt_now(update: Update, context: BotContext) -> None:
    """Send a prompt straight away; it arrives like a scheduled one, with its buttons."""
    try:
        await context.services.prompts.prompt_now(user_id(update))
    except DomainError as error:
        await reply_error(update, context, error)


async def act_on_prompt(update: Update, context: BotContext, button: PromptTap) -> None:
    """Answer, snooze or skip the prompt whose button was tapped."""
    query = update.callback_query
    assert query is not None
    prompts = context.services.prompts
    uid, delivery_id = user_id(update), button.delivery_id
    try:
        if button.action == "answer":
            view, prompt = await prompts.begin_answer(uid, delivery_id)
            t = context.t(view.locale)
            reply = texts.answer_invitation(t, prompt.texts[t.locale] if prompt else None)
        elif button.action in ("later", "tomorrow"):
            outcome = await prompts.snooze(
                uid, delivery_id, "later" if button.action == "later" else "tomorrow"
            )
            t = context.t(outcome.carer.locale)
            reply = texts.snoozed(t, t.datetime(outcome.due_at, outcome.carer.timezone or "UTC"))
        else:
            view = await prompts.skip(uid, delivery_id)
            t = context.t(view.locale)
            reply = texts.skipped(t)
    except DomainError as error:
        await reply_error(update, context, error)
        return
    await query.answer()
    await clear_buttons(query)
    await message(update).reply_text(reply)


def register(app: Application) -> None:
    """Add the prompt handlers."""
    app.add_handler(CommandHandler("prompt", prompt_now))
