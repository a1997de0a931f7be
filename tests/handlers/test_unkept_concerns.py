"""A text the bot cannot keep is still read for safeguarding: a signpost never waits for set-up."""

from __future__ import annotations

from tests.harness import Chat

CUTTING_ES = "mi hija se está cortando otra vez, encontré cuchillas en su cuarto"
DANGER_START = "Thank you for telling me. If anyone is in immediate danger"
DISCLOSURE_START = "Thank you for writing this down. What you describe may be a child protection"
NOTE_START = "A safety note: if any of this is a worry about a child's safety"
NOT_SET_UP = "Let's get you set up first: send /start."


async def test_someone_who_never_sent_start_gets_the_signpost_and_nothing_is_kept(
    chat: Chat,
) -> None:
    """A disclosure typed before /start is answered with the fixed signpost, not 'send /start'."""
    calls = await chat.send("She told me her uncle touches her at night")
    reply = calls[-1].text
    assert reply.startswith(DISCLOSURE_START) and "call 999" in reply and "Fosterline" in reply
    assert NOT_SET_UP not in reply
    assert chat.carer() is None and chat.reflections() == []


async def test_the_signpost_is_in_the_language_telegram_reports(chat: Chat) -> None:
    """No carer row yet: Telegram's language picks the rules, the wording and the contacts."""
    spanish = Chat(chat.app, chat.api, chat.clock, user_id=2101, language_code="es-ES")
    calls = await spanish.send(CUTTING_ES)
    reply = calls[-1].text
    assert reply.startswith("Gracias por contármelo.") and "llama ahora al 112" in reply
    assert spanish.carer() is None and spanish.reflections() == []


async def test_a_danger_text_typed_where_a_timezone_was_asked_gets_the_signpost(
    chat: Chat,
) -> None:
    """The typed question stays open: the signpost first, and the next answer still counts."""
    await chat.send("/start")
    for label in ("English", "Foster carer", "5–10 years", "Done", "19:30", "Type a timezone"):
        await chat.tap(label)
    calls = await chat.send("he told me he wants to die and he's worked out how")
    assert calls[-1].text.startswith(DANGER_START) and "call 999 now" in calls[-1].text
    assert chat.reflections() == []
    await chat.send("europe/dublin")
    carer = chat.carer()
    assert carer is not None and carer.timezone == "Europe/Dublin"
    assert chat.last_text().startswith("Before we start")


async def test_an_unsure_concern_before_set_up_adds_the_note_to_the_refusal(chat: Chat) -> None:
    """A soft cue keeps the usual answer ('send /start') and adds the short note after it."""
    calls = await chat.send("She made me promise not to tell anyone, then went quiet.")
    reply = calls[-1].text
    assert reply.startswith(NOT_SET_UP)
    assert NOTE_START in reply and "call 999" in reply and "Fosterline" in reply
    assert chat.reflections() == []


async def test_an_ordinary_text_typed_where_a_time_was_asked_is_only_refused(chat: Chat) -> None:
    """Nothing to worry about: the usual translated error, with no note."""
    await chat.send("/start")
    for label in ("English", "Foster carer", "5–10 years", "Done", "Type a time"):
        await chat.tap(label)
    calls = await chat.send("we had a lovely walk by the river after school")
    assert "couldn't read that as a time" in calls[-1].text
    assert "safety note" not in calls[-1].text and "999" not in calls[-1].text


async def test_a_redelivered_copy_of_a_refused_concern_is_answered_once(chat: Chat) -> None:
    """Telegram's retry of the same update finds it claimed: one signpost, not two."""
    update = chat.users.text("She told me her uncle touches her at night")
    first = await chat.send_update(update)
    again = await chat.send_update(update)
    assert first[-1].text.startswith(DISCLOSURE_START)
    assert [call for call in again if call.method == "sendMessage"] == []


async def test_a_carer_half_way_through_set_up_gets_the_signpost_in_their_chosen_language(
    chat: Chat,
) -> None:
    """The carer row's language wins over Telegram's once they have chosen one."""
    await chat.send("/start")
    await chat.tap("Español")
    calls = await chat.send(CUTTING_ES)
    assert calls[-1].text.startswith("Gracias por contármelo.")
    carer = chat.carer()
    assert carer is not None and carer.onboarded_at is None and chat.reflections() == []


async def test_help_lists_groups_with_the_other_commands(chat: Chat) -> None:
    """/groups sits in the command list, before the privacy paragraph, in every language."""
    for language in ("English", "Español"):
        await chat.send("/start")
        await chat.tap(language)
        text = (await chat.send("/help"))[-1].text
        commands, privacy, _retention = text.rsplit("\n\n", maxsplit=2)
        assert "/groups" in commands and "/forget" in commands and "/groups" not in privacy


async def test_a_photo_whose_caption_raises_a_worry_gets_the_signpost(chat: Chat) -> None:
    """The photo is never kept, but what is typed under it is read like any text."""
    await chat.onboard()
    calls = await chat.send_update(
        chat.users.photo(caption="she's cutting again, found fresh cuts on her arm")
    )
    assert calls[-1].text.startswith(DANGER_START) and "call 999 now" in calls[-1].text
    calls = await chat.send_update(
        chat.users.photo(caption="She made me promise not to tell anyone, then went quiet.")
    )
    assert calls[-1].text.startswith("Thank you. I can only keep written text")
    assert NOTE_START in calls[-1].text
    calls = await chat.send_update(chat.users.photo(caption="our walk by the river today"))
    assert calls[-1].text.startswith("Thank you. I can only keep written text")
    assert "safety note" not in calls[-1].text
    assert chat.reflections() == []
