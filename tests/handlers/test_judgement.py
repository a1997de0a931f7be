"""Judgement through the real dispatch path: notes beside suggestions, the text's dimension."""

from __future__ import annotations

from tests.harness import Chat

NOTE_START = "A safety note: if any of this is a worry about a child's safety"


async def test_an_unsure_flag_keeps_the_suggestion_and_adds_a_note(chat: Chat) -> None:
    """A soft disclosure cue: suggestion, then the fixed note with the agency's number."""
    await chat.onboard()
    await chat.send("/prompt")
    calls = await chat.send("She made me promise not to tell anyone, then went quiet.")
    reply = calls[-1].text
    [row] = chat.reflections()
    assert (row.risk_level, row.risk_strength) == ("disclosure", "note")
    assert row.suggestion_id is not None
    suggestion = chat.app.bot_data.services.content.suggestion(row.suggestion_id)
    assert suggestion is not None and suggestion.texts["en"] in reply
    assert NOTE_START in reply and "call 999" in reply and "Fosterline" in reply
    assert reply.index(suggestion.texts["en"]) < reply.index(NOTE_START)


async def test_a_redelivered_update_repeats_the_note(chat: Chat) -> None:
    """The stored strength brings back exactly the same reply."""
    await chat.onboard()
    first = await chat.send("He begged me not to say anything to his dad.", message_id=41)
    again = await chat.send("He begged me not to say anything to his dad.", message_id=41)
    assert NOTE_START in first[-1].text and again[-1].text == first[-1].text
    assert len(chat.reflections()) == 1


async def test_a_sure_flag_is_stored_as_a_signpost(chat: Chat) -> None:
    """The signpost replaces the suggestion, and the row says so."""
    await chat.onboard()
    calls = await chat.send("she's cutting again, found fresh cuts on her arm")
    [row] = chat.reflections()
    assert (row.risk_level, row.risk_strength, row.suggestion_id) == ("danger", "signpost", None)
    assert "call 999 now" in calls[-1].text and "An idea to consider" not in calls[-1].text


async def test_an_idiom_gets_a_suggestion_and_no_flag(chat: Chat) -> None:
    """'nearly died laughing' is not a risk."""
    await chat.onboard()
    calls = await chat.send("We nearly died laughing at his jokes over tea, lovely evening.")
    [row] = chat.reflections()
    assert row.risk_level is None and row.risk_strength is None
    assert "An idea to consider:" in calls[-1].text and "safety note" not in calls[-1].text


async def test_an_edit_that_raises_an_unsure_flag_adds_the_note(chat: Chat) -> None:
    """An edit answers 'updated' and, when the new text is a soft concern, the note."""
    await chat.onboard()
    await chat.send("Quiet evening.", message_id=77)
    calls = await chat.send_update(
        chat.users.edited_text("Quiet evening. She made me promise not to tell.", message_id=77)
    )
    assert calls[-1].text.startswith("Updated in your /journal.") and NOTE_START in calls[-1].text
    [row] = chat.reflections()
    assert (row.risk_level, row.risk_strength) == ("disclosure", "note")


async def test_text_clearly_about_another_dimension_is_answered_in_that_one(chat: Chat) -> None:
    """An availability prompt answered about birth-family contact gets a belonging idea."""
    await chat.onboard()
    await chat.send("/prompt")
    assert chat.deliveries()[-1].dimension == "availability"
    await chat.send(
        "Contact with her birth mum and her brothers was cancelled again. She asked if she "
        "still belongs to their family, and looked at the photos from her life story book."
    )
    [row] = chat.reflections()
    assert row.dimension == "family_membership"
    assert row.suggestion_id is not None and row.suggestion_id.startswith("family_membership.")


async def test_text_that_fits_the_prompt_keeps_the_prompt_dimension(chat: Chat) -> None:
    """An ambiguous answer stays with the prompt's dimension."""
    await chat.onboard()
    await chat.send("/prompt")
    await chat.send("It was fine today.")
    [row] = chat.reflections()
    assert row.dimension == "availability"
    assert row.suggestion_id is not None and row.suggestion_id.startswith("availability.")


async def test_a_breakthrough_told_with_a_hard_word_reads_as_going_well(chat: Chat) -> None:
    """'upset' sets the scene; 'finally let me sit with him', 'leaned on me' is the news."""
    await chat.onboard()
    await chat.send(
        "He finally let me sit with him when he was upset after contact, I just stayed quiet "
        "and he leaned on me."
    )
    [row] = chat.reflections()
    assert row.tone == "positive" and row.risk_level is None


async def test_a_bare_thanks_after_a_suggestion_is_answered_but_not_kept(chat: Chat) -> None:
    """'thanks 👍' is no reflection: a short reply, no suggestion, nothing in the journal."""
    await chat.onboard()
    await chat.send("We baked bread together and she laughed.")
    calls = await chat.send("thanks 👍")
    assert calls[-1].text.startswith("Any time. Whenever you'd like to reflect")
    assert "An idea to consider" not in calls[-1].text
    assert [row.text for row in chat.reflections()] == ["We baked bread together and she laughed."]


async def test_an_ok_after_tapping_answer_leaves_the_prompt_waiting(chat: Chat) -> None:
    """'ok' after Answer is not the answer: the next message still answers that prompt."""
    await chat.onboard()
    await chat.send("/prompt")
    await chat.tap("Answer")
    await chat.send("ok")
    await chat.send("Homework went better, she asked me to sit with her.")
    [row] = chat.reflections()
    assert row.delivery_id == chat.deliveries()[-1].id


async def test_acknowledgements_are_read_in_the_carers_language(chat: Chat) -> None:
    """'vale, gracias' in Spanish; 'ok' with a word that says more is a reflection."""
    await chat.onboard_in_spanish()
    calls = await chat.send("vale, gracias")
    assert calls[-1].text.startswith("Cuando quieras.")
    await chat.send("ok, hoy la cena fue mucho más tranquila")
    assert [row.text for row in chat.reflections()] == ["ok, hoy la cena fue mucho más tranquila"]
