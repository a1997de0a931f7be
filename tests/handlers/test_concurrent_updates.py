"""Many carers at once: other chats go ahead, one chat's updates keep their order."""

from __future__ import annotations

import asyncio
import inspect
import json
from typing import Any

from bot.app import BotApplication
from bot.config import Settings
from bot.ports import ManualClock
from bot.sandbox.updates import UpdateFactory
from bot.updates import ChatOrderedProcessor, chat_key
from tests.harness import Chat, running_chat


async def _through_processor(app: BotApplication, *updates: Any) -> None:
    """Hand updates to the application's processor at once, as polling and the webhook do."""
    processor = app.update_processor
    await asyncio.gather(*(processor.process_update(u, app.process_update(u)) for u in updates))


def _replies_to(chat: Chat, user_id: int) -> list[str]:
    return [
        call.text
        for call in chat.api.calls
        if call.method == "sendMessage" and json.loads(str(call.params["chat_id"])) == user_id
    ]


async def test_one_chats_updates_wait_their_turn_while_other_chats_go_ahead(chat: Chat) -> None:
    """A slow update holds back only its own chat's next update."""
    other = UpdateFactory(chat.app.bot, chat.api.ids, user_id=2002)
    first, second, elsewhere = chat.users.text("a"), chat.users.text("b"), other.text("c")
    events: list[str] = []

    async def work(name: str, seconds: float) -> None:
        events.append(f"{name} starts")
        await asyncio.sleep(seconds)
        events.append(f"{name} ends")

    processor = ChatOrderedProcessor(8)
    await asyncio.gather(
        processor.process_update(first, work("first", 0.05)),
        processor.process_update(second, work("second", 0)),
        processor.process_update(elsewhere, work("elsewhere", 0)),
    )
    assert events.index("first ends") < events.index("second starts")
    assert events.index("elsewhere ends") < events.index("first ends")
    assert processor.chats_in_flight == 0  # nothing kept once a chat is idle


async def test_a_wait_cancelled_at_shutdown_drops_the_update_without_running_it(
    chat: Chat,
) -> None:
    """The queued update's coroutine is closed, not left un-awaited (nor run late)."""
    ran: list[str] = []

    async def work(name: str) -> None:
        ran.append(name)
        await asyncio.sleep(0.05)

    processor = ChatOrderedProcessor(8)
    holder = asyncio.create_task(processor.process_update(chat.users.text("a"), work("a")))
    await asyncio.sleep(0)
    queued = work("b")
    waiter = asyncio.create_task(processor.process_update(chat.users.text("b"), queued))
    await asyncio.sleep(0)
    waiter.cancel()
    await asyncio.gather(holder, waiter, return_exceptions=True)
    assert ran == ["a"]
    assert inspect.getcoroutinestate(queued) == inspect.CORO_CLOSED
    assert processor.chats_in_flight == 0


async def test_the_application_handles_updates_concurrently_through_the_chat_processor(
    app: BotApplication,
) -> None:
    assert isinstance(app.update_processor, ChatOrderedProcessor)
    assert app.update_processor.max_concurrent_updates == 16


def test_updates_are_keyed_by_their_chat(chat: Chat) -> None:
    assert chat_key(chat.users.text("hello")) == chat.user_id
    assert chat_key(chat.users.callback("cfgob:lang:en")) == chat.user_id
    assert chat_key(object()) == 0


async def test_carers_writing_at_once_each_get_their_own_reply_and_row(
    database_url: str, clock: ManualClock
) -> None:
    """Six carers' reflections in flight together, on either database: six rows, six replies."""
    settings = Settings(database_url=database_url, _env_file=None)
    async with running_chat(settings, clock) as chat:
        await _six_carers_write_at_once(chat)


async def _six_carers_write_at_once(chat: Chat) -> None:
    carers = [Chat(chat.app, chat.api, chat.clock, user_id=3000 + n) for n in range(6)]
    for carer in carers:
        await carer.onboard()
    updates = [
        carer.users.text(f"We walked to the park together, day {n}.")
        for n, carer in enumerate(carers)
    ]
    await _through_processor(chat.app, *updates)
    rows = chat.reflections()
    assert sorted(row.text for row in rows) == sorted(
        f"We walked to the park together, day {n}." for n in range(6)
    )
    for carer in carers:
        assert "Thank you for taking a moment" in _replies_to(chat, carer.user_id)[-1]


async def test_a_long_paste_arriving_at_once_is_still_stitched_in_order(chat: Chat) -> None:
    """Telegram's two halves of a paste reach the processor together: one reflection."""
    await chat.onboard()
    halves, whole = chat.long_paste("We talked about school and friends and the weekend. ")
    await _through_processor(chat.app, *halves)
    assert [row.text for row in chat.reflections()] == [whole]
    replies = _replies_to(chat, chat.user_id)
    assert "Thank you for taking a moment" in replies[-2]
    assert "put them back together as one reflection" in replies[-1]
