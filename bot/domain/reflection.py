"""What counts as text the bot will keep, and Telegram's own length rule."""

from __future__ import annotations

import re
import unicodedata

from bot.domain.errors import (
    ControlCharactersError,
    EmptyReflectionError,
    ReflectionTooLongError,
)

# Two full Telegram messages: a long paste arrives split in two and is stitched back.
MAX_REFLECTION_LENGTH = 8192
TELEGRAM_MESSAGE_LIMIT = 4096  # UTF-16 code units, as Telegram counts them
# Unicode's whole "Cc" category (C0 and C1 controls) except tab and newline: one regex search
# finds the first in C, where a category lookup per character would walk every text in Python.
_FORBIDDEN_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Zs", "Zl", "Zp", "Mn", "Me"})


def clean_text(text: str) -> str:
    """Return typed text ready to use, or raise: control characters and blank text are refused."""
    normalised = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    # NUL and other C0/C1 controls corrupt storage and display; tabs and newlines are text.
    if _FORBIDDEN_CONTROL.search(normalised):
        raise ControlCharactersError()
    if not has_visible_text(normalised):
        raise EmptyReflectionError()
    return _strip_invisible_edges(normalised)


def clean_reflection(text: str) -> str:
    """Return the reflection to store, or raise: nothing is ever half-saved or silently cut."""
    cleaned = clean_text(text)
    if len(cleaned) > MAX_REFLECTION_LENGTH:
        raise ReflectionTooLongError(len(cleaned), MAX_REFLECTION_LENGTH)
    return cleaned


def has_visible_text(text: str) -> bool:
    """Say whether anything but spaces, zero-width and combining marks is left."""
    return any(
        not ch.isspace() and unicodedata.category(ch) not in _INVISIBLE_CATEGORIES for ch in text
    )


def _strip_invisible_edges(text: str) -> str:
    """Trim whitespace and zero-width characters at both ends, keeping those inside emoji."""
    start, end = 0, len(text)
    while start < end and _is_edge_filler(text[start]):
        start += 1
    while end > start and _is_edge_filler(text[end - 1]):
        end -= 1
    return text[start:end]


def _is_edge_filler(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) == "Cf"


def utf16_length(text: str) -> int:
    """Count the UTF-16 code units Telegram measures message length in."""
    return len(text.encode("utf-16-le")) // 2


def cut_utf16(text: str, limit: int, ellipsis: str = "…") -> str:
    """Shorten text to at most ``limit`` UTF-16 units, never splitting a character."""
    if utf16_length(text) <= limit:
        return text
    budget = limit - utf16_length(ellipsis)
    kept: list[str] = []
    used = 0
    for ch in text:
        size = 2 if ord(ch) > 0xFFFF else 1
        if used + size > budget:
            break
        kept.append(ch)
        used += size
    return "".join(kept).rstrip() + ellipsis
