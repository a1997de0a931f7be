"""Input that must be refused or recognised: blank, control characters, junk buttons, copies."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Settings
from bot.ports import ManualClock
from tests.harness import Chat, running_chat
from tests.safety.conftest import developer_reports

APOLOGY = "something went wrong"
EXPIRED = "That button has expired"


@pytest.mark.parametrize("text", ["\u200b\u200c\u2060", "\u200b \ufeff\n", "\u0301\u0301"])
async def test_invisible_only_text_is_refused(chat: Chat, text: str) -> None:
    """Zero-width or combining-only text: 'empty', and nothing stored."""
    await chat.onboard()
    calls = await chat.send(text)
    assert "That message was empty" in calls[-1].text
    assert chat.reflections() == []


async def test_nul_and_control_characters_are_refused_on_both_databases(
    database_url: str, clock: ManualClock
) -> None:
    """A NUL byte used to crash PostgreSQL; now a clear message, no row, no report."""
    settings = Settings(database_url=database_url, dev_chat_id=4242, _env_file=None)
    async with running_chat(settings, clock) as chat:
        await chat.onboard()
        for text in ("before\x00after", "bell\x07", "escape \x1b[31m red"):
            calls = await chat.send(text)
            assert "hidden control characters" in calls[-1].text
        assert chat.reflections() == []
        assert developer_reports(chat) == []
        await chat.send("tabs\tand\nnewlines are fine")
        assert chat.reflections()[0].text == "tabs\tand\nnewlines are fine"


@pytest.mark.parametrize(
    "data",
    [
        "cfgob:day:abc",
        "cfgset:role:x",
        "cfgset:tz:../../etc/passwd",
        "prompt:answer:99999999999999999999999",
        "prompt:skip:-4",
        "journal:page:1e9",
        "forget:confirm:extra",
        "",
        "nonsense",
    ],
)
async def test_forged_or_malformed_buttons_say_expired_without_a_report(
    chat: Chat, data: str
) -> None:
    """Junk callback data: a translated 'expired', no apology, no developer report."""
    await chat.onboard()
    calls = await chat.tap_data(data, message_id=3)
    assert any(EXPIRED in call.text for call in calls)
    assert all(APOLOGY not in call.text for call in calls)
    assert developer_reports(chat) == []


async def test_expired_button_speaks_the_carers_language(chat: Chat) -> None:
    """The expired-button reply is translated."""
    await chat.onboard_in_spanish()
    calls = await chat.tap_data("cfgob:day:abc", message_id=3)
    assert any("Ese botón ha caducado" in call.text for call in calls)


async def test_a_redelivered_typed_timezone_is_not_stored_as_a_reflection(chat: Chat) -> None:
    """Telegram sends the same update again: it is taken once."""
    await chat.onboard()
    await chat.send("/settings")
    await chat.tap("Timezone")
    await chat.tap("Type a timezone")
    update = chat.users.text("America/Bogota")
    first = await chat.send_update(update)
    second = await chat.send_update(update)
    assert "Timezone: Bogota" in first[-1].text
    assert second == []
    assert chat.reflections() == []


async def test_the_same_update_twice_at_once_gets_one_reply_and_no_error(chat: Chat) -> None:
    """Two copies processed concurrently: one reply, never 'not saved', no report."""
    await chat.onboard()
    update = chat.users.text("We baked bread together and she laughed.")
    mark = len(chat.api.calls)
    await asyncio.gather(chat.app.process_update(update), chat.app.process_update(update))
    replies = [c for c in chat.api.calls[mark:] if c.params.get("chat_id") == chat.user_id]
    assert len(replies) == 1 and "Thank you for taking a moment" in replies[0].text
    assert len(chat.reflections()) == 1
    assert developer_reports(chat) == []


async def test_a_failed_update_is_handled_again_when_telegram_redelivers_it(chat: Chat) -> None:
    """The copy is only dropped if the first one succeeded."""
    await chat.onboard()
    update = chat.users.text("A quiet evening of cards.")
    chat.api.drop_connection_next()  # the reply cannot be sent: the handler fails
    await chat.send_update(update)
    calls = await chat.send_update(update)
    assert any("Thank you for taking a moment" in call.text for call in calls)
    assert len(chat.reflections()) == 1


async def test_a_long_paste_split_by_telegram_is_stitched_into_one_reflection(
    chat: Chat,
) -> None:
    """5,000 characters arrive as 4,096 + 904: one reflection holding all of it."""
    await chat.onboard()
    (head, tail), whole = chat.long_paste("We talked about school and friends and the weekend. ")
    first = await chat.send_update(head)
    chat.clock.advance(timedelta(seconds=1))
    second = await chat.send_update(tail)
    assert "Thank you for taking a moment" in first[-1].text
    assert "put them back together as one reflection" in second[-1].text
    reflections = chat.reflections()
    assert len(reflections) == 1
    assert reflections[0].text == whole


async def test_messages_apart_in_time_or_order_stay_separate(chat: Chat) -> None:
    """Only the very next message within seconds is a continuation."""
    await chat.onboard()
    await chat.send("First thought about the morning routine.")
    chat.clock.advance(timedelta(minutes=2))
    await chat.send("A separate thought about bedtime.")
    assert len(chat.reflections()) == 2


async def test_a_pending_typed_time_is_abandoned_by_a_command_or_a_prompt_reply(
    chat: Chat,
) -> None:
    """Type a time, change your mind: /prompt works and the answer is a reflection."""
    await chat.onboard()
    await chat.send("/settings")
    await chat.tap("Time")
    await chat.tap("Type a time")
    await chat.send("/prompt")
    prompt = chat.last_prompt()
    assert prompt.message_id is not None
    calls = await chat.send("She let me help with her homework.", reply_to=prompt.message_id)
    assert "couldn't read that as a time" not in calls[-1].text
    assert "Thank you for taking a moment" in calls[-1].text
    assert chat.reflections()[0].delivery_id == chat.deliveries()[-1].id


async def test_replying_to_a_prompt_while_a_time_is_pending_is_a_reflection(chat: Chat) -> None:
    """No command in between: the reply to a prompt still wins over the typed setting."""
    await chat.onboard()
    await chat.send("/prompt")
    prompt = chat.last_prompt()
    await chat.send("/settings")
    await chat.tap("Time")
    await chat.tap("Type a time")
    assert prompt.message_id is not None
    calls = await chat.send("Bedtime went better tonight.", reply_to=prompt.message_id)
    assert "Thank you for taking a moment" in calls[-1].text
    carer = chat.carer()
    assert carer is not None and carer.awaiting is None and carer.prompt_time == "19:30"


async def test_journal_pages_fit_telegrams_utf16_limit(chat: Chat) -> None:
    """Emoji count twice in UTF-16: long entries are cut so the page can be shown."""
    await chat.onboard()
    for minute in range(3):
        chat.clock.advance(timedelta(minutes=minute + 1))
        await chat.send("🙂" * 2000)
    calls = await chat.send("/journal")
    page = calls[-1]
    assert page.method == "sendMessage" and "Your journal: 3 reflections" in page.text
    assert len(page.text.encode("utf-16-le")) // 2 <= 4096
    assert page.text.count("🙂") > 1000


async def _blocked_on_monday_back_on_thursday(chat: Chat) -> None:
    """An onboarded carer whose Monday prompt Telegram refused (blocked), writing on Thursday."""
    await chat.onboard()
    chat.clock.set(datetime(2026, 11, 23, 19, 30, 5, tzinfo=UTC))
    chat.api.fail_next("sendMessage", status=403, description="Forbidden: bot was blocked")
    await chat.run_sweep()
    chat.clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=UTC))


async def test_a_blocked_carer_is_told_why_on_return_and_resume_works(chat: Chat) -> None:
    """Blocked: prompts stop; on return they hear why once; /resume brings prompts back."""
    await _blocked_on_monday_back_on_thursday(chat)
    calls = await chat.send("/start")
    assert "Your prompts stopped on Monday 23 Nov" in calls[0].text
    again = await chat.send("/help")
    assert all("prompts stopped on" not in call.text for call in again)
    resumed = await chat.send("/resume")
    assert "Welcome back" in resumed[-1].text
    assert "The next one: Friday 27 Nov" in resumed[-1].text
    chat.clock.set(datetime(2026, 11, 27, 19, 30, 5, tzinfo=UTC))
    assert len(await chat.run_sweep()) == 1


async def test_a_blocked_carer_who_returns_with_a_reflection_hears_why_once(chat: Chat) -> None:
    """Typed text claims its update in its own transaction: still told once, and still answered."""
    await _blocked_on_monday_back_on_thursday(chat)
    calls = await chat.send("We had a calm morning and walked to school together.")
    assert "Your prompts stopped on Monday 23 Nov" in calls[0].text
    assert len(calls) == 2 and len(chat.reflections()) == 1
    chat.clock.set(datetime(2026, 11, 26, 9, 30, tzinfo=UTC))
    again = await chat.send("Homework went better than last week.")
    assert len(again) == 1 and "prompts stopped on" not in again[0].text
    assert len(chat.reflections()) == 2


async def test_a_blocked_carer_whose_first_text_is_refused_still_hears_why(chat: Chat) -> None:
    """A refused text keeps nothing, but the news that prompts stopped is not lost with it."""
    await _blocked_on_monday_back_on_thursday(chat)
    calls = await chat.send("\u200b \u200b")
    assert "Your prompts stopped on Monday 23 Nov" in calls[0].text
    assert len(calls) == 2 and chat.reflections() == []


async def test_blocking_the_bot_stops_prompts_at_once(chat: Chat) -> None:
    """Telegram reports the block as a membership change: nothing more is sent."""
    await chat.onboard()
    await chat.send_update(chat.users.membership("kicked"))
    carer = chat.carer()
    assert carer is not None and carer.paused and carer.next_prompt_at is None
    calls = await chat.send_update(chat.users.membership("member"))
    assert "Your prompts stopped on" in calls[-1].text
