"""Reflections: stored once, linked to their prompt, answered with a tailored suggestion."""

from __future__ import annotations

from bot.domain.reflection import MAX_REFLECTION_LENGTH
from tests.harness import Chat


async def test_reply_to_a_prompt_is_stored_once_and_gets_a_suggestion(chat: Chat) -> None:
    """The reflection row links prompt and dimension; the reply is a same-dimension idea."""
    await chat.onboard()
    await chat.send("/prompt")
    prompt = chat.last_prompt()
    calls = await chat.send("Bedtime was hard again, she woke from a nightmare and cried.")
    [row] = chat.reflections()
    delivery = chat.deliveries()[-1]
    assert (row.prompt_id, row.dimension, row.delivery_id) == (
        delivery.prompt_id,
        "availability",
        delivery.id,
    )
    assert delivery.status == "answered" and delivery.telegram_message_id == prompt.message_id
    assert row.suggestion_id == "availability.s04"  # bedtime / night / nightmare
    suggestion = chat.app.bot_data.services.content.suggestion("availability.s04")
    assert suggestion is not None
    assert calls[-1].text.startswith("Thank you for taking a moment to reflect.")
    assert suggestion.texts["en"] in calls[-1].text


async def test_redelivered_update_creates_no_second_row(chat: Chat) -> None:
    """Telegram redelivering the same message id stores nothing new and repeats the reply."""
    await chat.onboard()
    await chat.send("/prompt")
    first = await chat.send("We baked together and laughed a lot.", message_id=900)
    again = await chat.send("We baked together and laughed a lot.", message_id=900)
    assert len(chat.reflections()) == 1
    assert again[-1].text == first[-1].text


async def test_answer_button_links_text_to_that_prompt(chat: Chat) -> None:
    """After tapping Answer on an older prompt, the next text answers that one."""
    await chat.onboard()
    await chat.send("/prompt")
    older = chat.last_prompt()
    await chat.send("/prompt")
    await chat.tap_data(dict(older.buttons)["Answer"], older.message_id or 0)
    assert "write your reflection in your next message" in chat.last_text()
    await chat.send("He checked I was still there after school.")
    [row] = chat.reflections()
    assert row.dimension == "availability"
    assert chat.carer().awaiting is None  # type: ignore[union-attr]


async def test_telegram_reply_links_to_the_replied_prompt(chat: Chat) -> None:
    """Using Telegram's Reply on a prompt links the reflection to it."""
    await chat.onboard()
    await chat.send("/prompt")
    first = chat.last_prompt()
    await chat.send("/prompt")
    await chat.send("Waiting at the school gate helped.", reply_to=first.message_id)
    assert chat.reflections()[0].dimension == "availability"


async def test_free_text_without_a_prompt_is_kept_and_answered(chat: Chat) -> None:
    """Text with no open prompt is still stored, answered in the dimension the text is about."""
    await chat.onboard()
    await chat.send("Contact with her birth family went badly and she was upset after.")
    [row] = chat.reflections()
    assert row.prompt_id is None and row.dimension == "family_membership"
    assert row.suggestion_id == "family_membership.s02"


async def test_same_suggestion_is_never_given_twice_in_a_row(chat: Chat) -> None:
    """Two near-identical reflections get two different suggestions."""
    await chat.onboard()
    for text in ("Bedtime was hard, nightmare again.", "Bedtime was hard, nightmare again!"):
        await chat.send("/prompt")
        await chat.send(text)
        await chat.send("/prompt")  # move the rotation on so both answer availability
        await chat.send("/prompt")
        await chat.send("/prompt")
        await chat.send("/prompt")
    first, second = chat.reflections()
    assert first.dimension == second.dimension == "availability"
    assert first.suggestion_id != second.suggestion_id


async def test_safeguarding_phrase_gets_the_fixed_signpost(chat: Chat) -> None:
    """A disclosure gets the translated referral pathway, not a suggestion."""
    await chat.onboard_in_spanish(ages="5–10 años")
    await chat.send("/prompt")
    calls = await chat.send("Me contó que su tío le pegaba cuando vivía con él.")
    [row] = chat.reflections()
    assert (row.risk_level, row.suggestion_id) == ("disclosure", None)
    reply = calls[-1].text
    assert "trabajador o trabajadora social" in reply and "112" in reply
    assert "Una idea" not in reply


async def test_danger_signpost_uses_the_agency_emergency_number(chat: Chat) -> None:
    """Immediate danger names the configured emergency number first."""
    await chat.onboard()
    calls = await chat.send("She went missing after school and hasn't come home")
    assert calls[-1].text.startswith(
        "Thank you for telling me. If anyone is in immediate "
        "danger, or a child is missing, call 999 now."
    )
    assert "Fosterline" in calls[-1].text
    assert chat.reflections()[0].risk_level == "danger"


async def test_over_long_text_is_refused_and_nothing_is_saved(chat: Chat) -> None:
    """Too long: a clear message with the numbers, no row, the prompt stays open."""
    await chat.onboard()
    await chat.send("/prompt")
    calls = await chat.send("a" * (MAX_REFLECTION_LENGTH + 1))
    assert f"{MAX_REFLECTION_LENGTH + 1} characters, and the limit is {MAX_REFLECTION_LENGTH}" in (
        calls[-1].text
    )
    assert chat.reflections() == []
    assert chat.deliveries()[-1].status == "sent"


async def test_non_text_gets_a_kind_reply_and_is_not_stored(chat: Chat) -> None:
    """Voice notes, photos and stickers: only text is kept."""
    await chat.onboard()
    for update in (chat.users.voice(), chat.users.photo(), chat.users.sticker()):
        calls = await chat.send_update(update)
        assert calls[-1].text.startswith("Thank you. I can only keep written text")
    assert chat.reflections() == []


async def test_a_newer_prompt_supersedes_an_unused_answer_tap(chat: Chat) -> None:
    """Tapping Answer, then getting a new prompt, then writing: the text answers the new one."""
    await chat.onboard()
    await chat.send("/prompt")
    await chat.tap("Answer")
    await chat.send("/prompt")
    await chat.send("We talked about how she was feeling before the tantrum.")
    [row] = chat.reflections()
    assert row.dimension == "sensitivity"


async def test_editing_a_reflection_updates_the_journal(chat: Chat) -> None:
    """An edit replaces the stored text; an edit that raises a flag gets the signpost."""
    await chat.onboard()
    await chat.send("/prompt")
    await chat.send("We read a story at bedtim.", message_id=700)
    calls = await chat.send_update(
        chat.users.edited_text("We read a story at bedtime.", message_id=700)
    )
    assert calls[-1].text == "Updated in your /journal."
    [row] = chat.reflections()
    assert row.text == "We read a story at bedtime." and row.risk_level is None
    calls = await chat.send_update(
        chat.users.edited_text(
            "We read a story. Later she said she wants to kill herself.", message_id=700
        )
    )
    assert "call 999 now" in calls[-1].text
    assert chat.reflections()[0].risk_level == "danger"
    assert len(chat.reflections()) == 1


async def test_editing_a_command_or_other_message_does_nothing(chat: Chat) -> None:
    """Edits of messages that were not reflections are ignored, and never re-run commands."""
    await chat.onboard()
    await chat.send("/start", message_id=600)
    before = len(chat.api.calls)
    await chat.send_update(chat.users.edited_text("/start", message_id=600))
    await chat.send_update(chat.users.edited_text("hello", message_id=12345))
    assert len(chat.api.calls) == before
    assert chat.reflections() == []
