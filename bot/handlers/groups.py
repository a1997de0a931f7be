"""A carer's groups: the join screen behind a trainer's link, /groups, and leaving."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.context import BotContext
from bot.domain.errors import DomainError
from bot.handlers import keyboards, texts, trainer_texts
from bot.handlers import trainer_keyboards as kb
from bot.handlers.callbacks import GroupTap
from bot.handlers.common import edit, message, reply_error, user_id


async def show_join(update: Update, context: BotContext, code: str) -> None:
    """/start g_...: show the group, its trainer and what the trainer sees; join with one tap."""
    user = update.effective_user
    assert user is not None and update.effective_chat is not None
    try:
        carer, preview = await context.services.memberships.preview(
            code,
            user_id=user.id,
            chat_id=update.effective_chat.id,
            language_code=user.language_code,
        )
    except DomainError as error:
        await reply_error(update, context, error)
        return
    t = context.t(carer.locale)
    await message(update).reply_text(
        trainer_texts.join_preview(t, context.services.content, preview),
        reply_markup=kb.join(t, preview),
    )


async def list_groups(update: Update, context: BotContext) -> None:
    """/groups: the carer's groups, whose theme they follow, what trainers see; leave buttons."""
    carer, groups = await context.services.memberships.groups(user_id(update))
    t = context.t(carer.locale) if carer else context.t(None)
    await message(update).reply_text(
        trainer_texts.my_groups(t, context.services.content, groups),
        reply_markup=kb.my_groups(t, groups),
    )


async def tap(update: Update, context: BotContext, button: GroupTap) -> None:
    """Join, decline, ask before leaving, leave, or list again."""
    query = update.callback_query
    assert query is not None
    try:
        await _act(update, context, button)
    except DomainError as error:
        await reply_error(update, context, error)


async def _act(update: Update, context: BotContext, button: GroupTap) -> None:
    query = update.callback_query
    assert query is not None
    service, uid = context.services.memberships, user_id(update)
    if button.action == "join":
        carer, preview = await service.join(button.value, user_id=uid)
        t = context.t(carer.locale)
        await query.answer()
        await edit(query, trainer_texts.joined(t, preview, carer.onboarded))
        if not carer.onboarded:  # a new carer is set up next, then follows the group
            await message(update).reply_text(
                texts.welcome(t),
                reply_markup=keyboards.languages(
                    keyboards.ONBOARDING, context.services.catalogs.locales
                ),
            )
        return
    carer_view, groups = await service.groups(uid)
    t = context.t(carer_view.locale if carer_view else None)
    await query.answer()
    if button.action == "no":
        await edit(query, trainer_texts.join_declined(t))
    elif button.action == "leave":
        name = next((g.name for g in groups if str(g.id) == button.value), None)
        if name is None:
            await edit(query, trainer_texts.my_groups(t, context.services.content, groups))
            return
        await edit(
            query, trainer_texts.leave_confirm(t, name), kb.leave_confirm(t, int(button.value))
        )
    elif button.action == "leaveok":
        _view, groups = await service.leave(uid, int(button.value))
        await edit(
            query,
            trainer_texts.left_group(t)
            + "\n\n"
            + trainer_texts.my_groups(t, context.services.content, groups),
            kb.my_groups(t, groups),
        )
    else:
        await edit(
            query,
            trainer_texts.my_groups(t, context.services.content, groups),
            kb.my_groups(t, groups),
        )


def register(app: Application) -> None:
    """Add /groups."""
    app.add_handler(CommandHandler("groups", list_groups))
