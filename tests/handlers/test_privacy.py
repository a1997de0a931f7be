"""/journal, /export and /forget: carers see, take away and delete what they wrote."""

from __future__ import annotations

import json

from sqlmodel import Session, select

from bot.storage.models import Carer, PromptDelivery, Reflection
from tests.harness import Chat


async def _write(chat: Chat, count: int) -> None:
    for number in range(count):
        await chat.send("/prompt")
        await chat.send(f"Reflection number {number}: we played cards together.")


async def test_journal_pages_newest_first(chat: Chat) -> None:
    """Four reflections make two pages; Older and Newer move between them."""
    await chat.onboard()
    await _write(chat, 4)
    calls = await chat.send("/journal")
    page = calls[-1]
    assert page.text.startswith("Your journal: 4 reflections. Page 1 of 2.")
    assert "Reflection number 3" in page.text and "Reflection number 0" not in page.text
    assert [label for label, _ in page.buttons] == ["Older"]
    calls = await chat.tap("Older")
    assert "Page 2 of 2" in calls[-1].text and "Reflection number 0" in calls[-1].text
    assert [label for label, _ in calls[-1].buttons] == ["Newer"]


async def test_empty_journal_says_how_to_begin(chat: Chat) -> None:
    """No reflections yet: a helpful line, no buttons."""
    await chat.onboard()
    calls = await chat.send("/journal")
    assert calls[-1].text == "Your journal is empty so far. Send /prompt to begin."


async def test_export_sends_everything_as_json(chat: Chat) -> None:
    """The export file holds the profile, every prompt and every reflection."""
    await chat.onboard()
    await _write(chat, 2)
    calls = await chat.send("/export")
    document = calls[-1]
    assert document.method == "sendDocument"
    [payload] = document.files.values()
    data = json.loads(payload)
    assert data["profile"]["timezone"] == "Europe/London"
    assert [r["text"] for r in data["reflections"]] == [
        "Reflection number 0: we played cards together.",
        "Reflection number 1: we played cards together.",
    ]
    assert data["reflections"][0]["prompt"]
    assert len(data["prompts"]) == 2


async def test_forget_needs_confirmation_then_deletes_every_row(chat: Chat) -> None:
    """Cancel keeps everything; confirming deletes carer, prompts and reflections."""
    await chat.onboard()
    await _write(chat, 2)
    await chat.send("/forget")
    await chat.tap("No, keep it")
    assert chat.last_text() == "Nothing was deleted." and len(chat.reflections()) == 2
    await chat.send("/forget")
    await chat.tap("Yes, delete everything")
    assert chat.last_text().startswith("Done. Everything about you has been deleted.")
    with Session(chat.app.bot_data.services.db.engine) as session:
        for table in (Carer, PromptDelivery, Reflection):
            assert session.exec(select(table)).all() == []


async def test_reflection_text_is_never_logged(chat: Chat, caplog) -> None:  # type: ignore[no-untyped-def]
    """Nothing the carer wrote reaches the logs, even on the error path."""
    caplog.set_level("DEBUG")
    await chat.onboard()
    await chat.send("/prompt")
    await chat.send("Secret-ish detail about bedtime")
    assert "Secret-ish" not in caplog.text
