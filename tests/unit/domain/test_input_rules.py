"""Pure input rules: typed text cleaning, Telegram's UTF-16 length, the pending-answer codec."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from bot.domain.errors import ControlCharactersError, EmptyReflectionError
from bot.domain.pending import (
    AwaitingReflection,
    AwaitingSetting,
    decode_pending,
    encode_pending,
)
from bot.domain.reflection import clean_text, cut_utf16, utf16_length


@pytest.mark.parametrize("text", ["", "   ", "\u200b", "\ufeff\u2060 \u200d", "\u0301"])
def test_blank_after_normalisation_is_empty(text: str) -> None:
    with pytest.raises(EmptyReflectionError):
        clean_text(text)


@pytest.mark.parametrize("text", ["a\x00b", "\x07", "x\x7f", "x\x85y", "\x1b[0m hi"])
def test_control_characters_are_refused(text: str) -> None:
    with pytest.raises(ControlCharactersError):
        clean_text(text)


def test_exactly_the_control_category_is_refused_except_tab_and_newline() -> None:
    """Every Cc code point but tab and newline (\\r becomes one) is refused, no other."""
    assert all(unicodedata.category(chr(p)) != "Cc" for p in range(0x800, sys.maxunicode + 1))
    for point in range(0x800):  # all of Cc (U+0000-U+001F, U+007F-U+009F) and its neighbours
        ch = chr(point)
        forbidden = unicodedata.category(ch) == "Cc" and ch not in "\n\t\r"
        try:
            clean_text(f"a{ch}b")
        except ControlCharactersError:
            assert forbidden, hex(point)
        except EmptyReflectionError:
            raise AssertionError(hex(point)) from None
        else:
            assert not forbidden, hex(point)


def test_cleaning_keeps_emoji_sequences_and_trims_edges() -> None:
    family = "👩\u200d👧"
    assert clean_text(f"\u200b  {family} ok\r\nline  \ufeff") == f"{family} ok\nline"


def test_utf16_length_counts_astral_characters_twice() -> None:
    assert utf16_length("a🙂é") == 4


def test_cut_never_splits_a_surrogate_pair_and_respects_the_limit() -> None:
    cut = cut_utf16("🙂" * 10, 6)
    assert utf16_length(cut) <= 6 and cut.endswith("…") and "\ud83d" not in cut
    assert cut_utf16("short", 10) == "short"


@pytest.mark.parametrize(
    "pending",
    [
        AwaitingReflection(42),
        AwaitingSetting("time", "ob"),
        AwaitingSetting("timezone", "set"),
        AwaitingSetting("timezone", "ob", typed=False),
    ],
)
def test_pending_round_trips(pending: AwaitingReflection | AwaitingSetting) -> None:
    assert decode_pending(encode_pending(pending)) == pending


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "reflection:",
        "reflection:x",
        "reflection:-1",
        "time:x",
        "colour:ob",
        "time:ob:offeredx",
        "time:x:offered",
    ],
)
def test_unreadable_pending_values_mean_nothing_pending(raw: str | None) -> None:
    assert decode_pending(raw) is None
