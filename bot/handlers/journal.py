"""/journal: read back reflections, a page at a time."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.context import BotContext
from bot.domain.errors import DomainError
from bot.handlers import keyboards, texts
from bot.handlers.callbacks import JournalTap
from bot.handlers.common import edit, message, reply_error, user_id


async def show_journal(update: Update, context: BotContext) -> None:
    """Show the newest page."""
    try:
        page = await context.services.journal.page(user_id(update), 0)
    except DomainError as error:
        await reply_error(update, context, error)
        return
    t = context.t(page.carer.locale)
    await message(update).reply_text(
        texts.journal_page(t, page, context.services.content),
        reply_markup=keyboards.journal_pager(t, page.page, page.pages),
    )


async def turn_page(update: Update, context: BotContext, button: JournalTap) -> None:
    """Show an older or newer page in place."""
    query = update.callback_query
    assert query is not None
    try:
        page = await context.services.journal.page(user_id(update), button.page)
    except DomainError as error:
        await reply_error(update, context, error)
        return
    t = context.t(page.carer.locale)
    await query.answer()
    await edit(
        query,
        texts.journal_page(t, page, context.services.content),
        reply_markup=keyboards.journal_pager(t, page.page, page.pages),
    )


def register(app: Application) -> None:
    """Add the journal handlers."""
    app.add_handler(CommandHandler("journal", show_journal))
