"""Private chats only: groups and channels are told once, and touch no carer's data."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.sandbox.updates import UpdateFactory
from bot.storage.models import Carer
from tests.harness import Chat
from tests.safety.conftest import developer_reports

GROUP = -100200300
NOTICE = "I only work in private chats"


def _other_member(chat: Chat) -> UpdateFactory:
    return UpdateFactory(chat.app.bot, chat.api.ids, user_id=3003, first_name="Alex")


async def test_commands_in_a_group_show_nothing_private_and_move_nothing(chat: Chat) -> None:
    """/journal, /export, /start and a risky text in a group: one notice, then the bot leaves."""
    await chat.onboard()
    await chat.send("I felt calm with her tonight after school.")
    mark = len(chat.api.calls)
    for text in ("/journal", "/export", "/start", "He said he will kill himself tonight"):
        await chat.send_update(chat.users.in_shared_chat(text, chat_id=GROUP))
    shown = chat.api.calls[mark:]
    to_group = [call for call in shown if call.params.get("chat_id") == GROUP]
    assert [call.method for call in to_group if call.method != "leaveChat"] == ["sendMessage"]
    assert NOTICE in to_group[0].text
    assert any(call.method == "leaveChat" for call in to_group)
    assert not [call for call in shown if call.method == "sendDocument"]
    assert all("calm with her" not in call.text for call in shown)
    carer = chat.carer()
    assert carer is not None and carer.chat_id == chat.user_id  # prompts still go to private
    assert len(chat.reflections()) == 1


async def test_another_member_tapping_journal_or_forget_buttons_in_a_group(chat: Chat) -> None:
    """Taps under a message in a group: nobody's reflections are shown, nobody's data deleted."""
    await chat.onboard()
    await chat.send("A first reflection about bedtime.")
    other = _other_member(chat)
    await chat.send_update(other.text("/start"))  # the other member has their own data too
    mark = len(chat.api.calls)
    for data in ("journal:page:1", "forget:confirm"):
        await chat.send_update(
            other.callback_in_chat(data, chat_id=GROUP, chat_type="supergroup", message_id=7)
        )
    shown = chat.api.calls[mark:]
    answers = [call for call in shown if call.method == "answerCallbackQuery"]
    assert len(answers) == 2 and all(NOTICE in call.text for call in answers)
    assert not [call for call in shown if call.method == "editMessageText"]
    assert len(chat.reflections()) == 1 and chat.carer() is not None
    assert other_carer_exists(chat, 3003)


async def test_a_tap_by_someone_else_in_a_private_chat_is_refused(chat: Chat) -> None:
    """A forged tap whose message is in the carer's private chat, sent by another user."""
    await chat.onboard()
    other = _other_member(chat)
    calls = await chat.send_update(
        other.callback_in_chat(
            "forget:confirm", chat_id=chat.user_id, chat_type="private", message_id=5
        )
    )
    assert chat.carer() is not None
    assert all(call.params.get("chat_id") != chat.user_id for call in calls)


async def test_channel_posts_and_senderless_messages_raise_nothing(chat: Chat) -> None:
    """No AssertionError, no apology posted, no developer report; the notice is said once."""
    first = await chat.send_update(
        chat.users.in_shared_chat("/help", chat_id=-100999, chat_type="channel", sender=False)
    )
    again = await chat.send_update(
        chat.users.in_shared_chat("hello", chat_id=-100999, chat_type="channel", sender=False)
    )
    anonymous = await chat.send_update(
        chat.users.in_shared_chat("/journal", chat_id=GROUP, chat_type="supergroup", sender=False)
    )
    sent = [call for call in first + again + anonymous if call.method == "sendMessage"]
    assert [call.params["chat_id"] for call in sent] == [-100999, GROUP]
    assert all(NOTICE in call.text for call in sent)
    assert all("something went wrong" not in call.text for call in sent)
    assert developer_reports(chat) == []


def other_carer_exists(chat: Chat, user_id: int) -> bool:
    """Say whether a carer row exists for another Telegram user."""
    with Session(chat.app.bot_data.services.db.engine) as session:
        return (
            session.exec(select(Carer).where(Carer.telegram_user_id == user_id)).first()
            is not None
        )


async def test_each_time_the_bot_is_added_to_a_group_it_explains_and_leaves(chat: Chat) -> None:
    """Added, removed, added again: the notice each time it is added, nothing on removal."""
    calls = []
    for status in ("member", "left", "member"):
        calls += await chat.send_update(chat.users.membership(status, chat_id=GROUP))
    notices = [call for call in calls if call.method == "sendMessage"]
    assert len(notices) == 2 and all(NOTICE in call.text for call in notices)
    assert [call.method for call in calls].count("leaveChat") == 2
