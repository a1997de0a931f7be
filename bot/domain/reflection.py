"""What counts as a reflection the bot will keep."""

from __future__ import annotations

from bot.domain.errors import EmptyReflectionError, ReflectionTooLongError

MAX_REFLECTION_LENGTH = 2000


def clean_reflection(text: str) -> str:
    """Return the text to store, or raise: nothing is ever half-saved or silently cut."""
    cleaned = text.strip()
    if not cleaned:
        raise EmptyReflectionError()
    if len(cleaned) > MAX_REFLECTION_LENGTH:
        raise ReflectionTooLongError(len(cleaned), MAX_REFLECTION_LENGTH)
    return cleaned
