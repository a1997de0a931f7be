"""The one callback decoder: every button the bot builds reads back; junk never does."""

from __future__ import annotations

import pytest

from bot.domain.errors import ButtonExpiredError
from bot.domain.model import AgeBand, Role
from bot.handlers.callbacks import (
    ConfigTap,
    ForgetTap,
    JournalTap,
    PromptTap,
    decode,
    encode,
)
from bot.handlers.keyboards import SUGGESTED_TIMEZONES, TIME_CHOICES

BUILT = [
    *(ConfigTap("ob", "lang", loc) for loc in ("en", "es", "pt_BR")),
    *(ConfigTap("set", "role", role.value) for role in Role),
    *(ConfigTap("ob", "age", band.value) for band in AgeBand),
    *(ConfigTap("set", "day", str(day)) for day in range(7)),
    ConfigTap("ob", "days", "done"),
    *(ConfigTap("set", "time", value) for value in (*TIME_CHOICES, "type")),
    *(ConfigTap("ob", "tz", zone) for zones in SUGGESTED_TIMEZONES.values() for zone in zones),
    ConfigTap("set", "tz", "type"),
    *(
        ConfigTap("set", "ask", f)
        for f in ("language", "role", "ages", "days", "time", "timezone")
    ),
    ConfigTap("ob", "privacy", "ok"),
    *(PromptTap(action, 2**63 - 1) for action in ("answer", "later", "tomorrow", "skip")),
    JournalTap(0),
    JournalTap(12),
    ForgetTap(confirm=True),
    ForgetTap(confirm=False),
]


@pytest.mark.parametrize("button", BUILT, ids=encode)
def test_every_built_button_round_trips_within_64_bytes(button: object) -> None:
    data = encode(button)  # type: ignore[arg-type]
    assert len(data.encode()) <= 64
    assert decode(data) == button


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        ":",
        "cfgob",
        "cfgob:day:7",
        "cfgob:day:abc",
        "cfgob:day:٣",  # a non-ASCII digit
        "cfgset:role:x",
        "cfgset:time:25:99",
        "cfgset:tz:../../etc",
        "cfgset:ask:password",
        "cfgxx:lang:en",
        "prompt:answer:0",
        "prompt:answer:9223372036854775808",
        "prompt:explode:3",
        "journal:page:-1",
        "journal:page:",
        "forget:confirm:1",
        "forget:maybe",
    ],
)
def test_junk_is_an_expired_button(data: str | None) -> None:
    with pytest.raises(ButtonExpiredError):
        decode(data)
