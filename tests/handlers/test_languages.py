"""Arabic and Ukrainian carers through the real dispatch path: direction, plurals, names."""

from __future__ import annotations

import unicodedata
from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.i18n import FSI, PDI, RLM
from bot.ports import ManualClock
from tests.harness import Chat, running_chat


@pytest.fixture
async def arabic(settings: Settings, clock: ManualClock) -> AsyncIterator[Chat]:
    async with running_chat(settings, clock) as chat:
        chat.users.user["language_code"] = "ar"
        yield chat


@pytest.fixture
async def ukrainian(settings: Settings, clock: ManualClock) -> AsyncIterator[Chat]:
    async with running_chat(settings, clock) as chat:
        chat.users.user["language_code"] = "uk"
        yield chat


def _starts_right_to_left(text: str) -> bool:
    first = text.removeprefix(RLM).lstrip(FSI)[:1]
    return text.startswith(RLM) or unicodedata.bidirectional(first) in {"R", "AL"}


async def test_an_arabic_carer_reads_right_to_left_with_isolated_values(arabic: Chat) -> None:
    """Every message starts right to left; numbers and times sit in isolates; rows mirror."""
    await arabic.send("/start")
    welcome = arabic.api.calls[-1]
    assert _starts_right_to_left(welcome.text)
    await arabic.tap("العربية")
    roles = arabic.api.calls[-1]
    assert _starts_right_to_left(roles.text)
    markup = roles.params["reply_markup"]["inline_keyboard"]
    first_row = [button["text"] for button in markup[0]]
    # Right-to-left readers start on the right: the first role is the last button sent.
    assert first_row[-1] == "أسرة حاضنة" or len(first_row) == 1
    await _onboard_rest(arabic)
    confirmation = arabic.last_text()
    assert _starts_right_to_left(confirmation)
    assert f"{FSI}بغداد{PDI}" in confirmation  # the timezone by its city, in Arabic
    assert "Asia/Baghdad" not in confirmation
    await arabic.send("/journal")
    assert _starts_right_to_left(arabic.last_text())
    assert f"{FSI}/prompt{PDI}" in arabic.last_text()


async def _onboard_rest(chat: Chat) -> None:
    await chat.tap_data(_first(chat), _message(chat))  # role
    await chat.tap_data(_first(chat), _message(chat))  # age band
    await chat.tap_data(chat.api.calls[-1].buttons[-1][1], _message(chat))  # days: done
    await chat.tap_data(chat.api.calls[-1].buttons[4][1], _message(chat))  # 19:30
    await chat.tap("بغداد")
    await chat.tap_data(_first(chat), _message(chat))  # privacy: understood


def _first(chat: Chat) -> str:
    """The callback data of the first choice, whatever side of the row it is drawn on."""
    markup = chat.api.calls[-1].params["reply_markup"]["inline_keyboard"]
    row = markup[0]
    return str(
        row[-1]["callback_data"]
        if chat.users.user.get("language_code") == "ar"
        else row[0]["callback_data"]
    )


def _message(chat: Chat) -> int:
    return chat.api.calls[-1].message_id or 0


async def test_a_ukrainian_carer_sees_each_plural_form_of_the_journal(ukrainian: Chat) -> None:
    """1 запис, 2 записи, 5 записів: gettext picks the CLDR form through the real handlers."""
    await ukrainian.send("/start")
    await ukrainian.tap("Українська")
    await _onboard_rest_uk(ukrainian)
    assert "(Київ)" in ukrainian.last_text() or "Київ" in ukrainian.last_text()
    seen = {}
    for count in range(1, 6):
        await ukrainian.send(f"Сьогодні ввечері ми разом читали книжку, і дитина сміялася {count}")
        await ukrainian.send("/journal")
        seen[count] = ukrainian.api.calls[-1].text
    assert "1 запис." in seen[1]
    assert "2 записи." in seen[2] and "4 записи." in seen[4]
    assert "5 записів." in seen[5]
    assert not {FSI, PDI, RLM} & set(seen[5])


async def _onboard_rest_uk(chat: Chat) -> None:
    await chat.tap_data(_first(chat), _message(chat))
    await chat.tap_data(_first(chat), _message(chat))
    await chat.tap_data(chat.api.calls[-1].buttons[-1][1], _message(chat))
    await chat.tap_data(chat.api.calls[-1].buttons[4][1], _message(chat))
    await chat.tap("Київ")
    await chat.tap_data(_first(chat), _message(chat))
