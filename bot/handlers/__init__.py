"""Handler registration, in the order PTB should try them."""

from __future__ import annotations

from telegram.ext import Application

from bot.handlers import common, journal, onboarding, privacy, prompts, reflections


def register(app: Application) -> None:
    """Register every journey in group 0; order matters: commands before free text."""
    reflections.register_edits(app)  # first: an edited "/start" must not run /start again
    common.register(app)
    onboarding.register(app)
    prompts.register(app)
    journal.register(app)
    privacy.register(app)
    reflections.register(app)  # last: its text handler would otherwise swallow answers
