"""Handler registration, in the order PTB should try them."""

from __future__ import annotations

from telegram.ext import Application

from bot.handlers import (
    buttons,
    common,
    gate,
    groups,
    journal,
    onboarding,
    privacy,
    prompts,
    reflections,
    trainers,
)


def register(app: Application) -> None:
    """Register the gate first, then every journey in group 0; commands before free text."""
    gate.register(app)  # group -1: private chats only, duplicates dropped, before any journey
    reflections.register_edits(app)  # first: an edited "/start" must not run /start again
    common.register(app)
    onboarding.register(app)
    prompts.register(app)
    journal.register(app)
    privacy.register(app)
    groups.register(app)
    trainers.register(app)
    buttons.register(app)
    reflections.register(app)  # last: its text handler would otherwise swallow answers
