"""/export and /forget: carers take away or delete everything stored about them."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.ext import Application, CommandHandler

from bot.context import BotContext
from bot.domain.errors import DomainError
from bot.handlers import keyboards, texts
from bot.handlers.callbacks import ForgetTap
from bot.handlers.common import edit, message, reply_error, translator_for, user_id


async def export(update: Update, context: BotContext) -> None:
    """Send a JSON file with everything stored about the carer."""
    try:
        view, payload = await context.services.journal.export(user_id(update))
    except DomainError as error:
        await reply_error(update, context, error)
        return
    t = context.t(view.locale)
    await message(update).reply_document(
        InputFile(payload, filename="secure-base-reflections.json"),
        caption=texts.export_caption(t),
    )


async def ask_to_forget(update: Update, context: BotContext) -> None:
    """Ask for confirmation before deleting anything."""
    t = await translator_for(update, context)
    if await context.services.carers.find(user_id(update)) is None:
        await message(update).reply_text(texts.nothing_to_forget(t))
        return
    await message(update).reply_text(
        texts.forget_confirm(t), reply_markup=keyboards.forget_confirmation(t)
    )


async def confirm_forget(update: Update, context: BotContext, button: ForgetTap) -> None:
    """Delete everything, or nothing, as the carer chose."""
    query = update.callback_query
    assert query is not None
    t = await translator_for(update, context)
    await query.answer()
    if not button.confirm:
        await edit(query, texts.forget_cancelled(t))
        return
    locale = await context.services.journal.forget(user_id(update))
    await edit(query, texts.forgotten(context.t(locale)) if locale else texts.nothing_to_forget(t))


def register(app: Application) -> None:
    """Add the export and forget handlers."""
    app.add_handler(CommandHandler("export", export))
    app.add_handler(CommandHandler("forget", ask_to_forget))
