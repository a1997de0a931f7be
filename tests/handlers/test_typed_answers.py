"""A time or a place typed while its question's buttons are on screen answers the question."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.harness import Chat

MONDAY_EVENING = datetime(2026, 11, 23, 19, 30, 5, tzinfo=UTC)
FIRST_STEPS = ("English", "Foster carer", "5–10 years", "Done")


async def test_a_city_typed_at_the_onboarding_timezone_question_answers_it(chat: Chat) -> None:
    """No need to tap 'Type a timezone' first: 'paris' is Europe/Paris, and set-up goes on."""
    await chat.send("/start")
    for label in (*FIRST_STEPS, "19:30"):
        await chat.tap(label)
    await chat.send("paris")
    carer = chat.carer()
    assert carer is not None and carer.timezone == "Europe/Paris" and carer.awaiting is None
    assert chat.last_text().startswith("Before we start")
    assert chat.reflections() == []


async def test_a_time_typed_at_the_onboarding_time_question_leads_to_the_timezone_one(
    chat: Chat,
) -> None:
    """'8.15 pm' answers the time; the timezone question then listens for a typed city too."""
    await chat.send("/start")
    for label in FIRST_STEPS:
        await chat.tap(label)
    await chat.send("8.15 pm")
    assert chat.carer().prompt_time == "20:15"  # type: ignore[union-attr]
    assert "Which timezone are you in?" in chat.last_text()
    await chat.send("Dublin")
    assert chat.carer().timezone == "Europe/Dublin"  # type: ignore[union-attr]
    assert chat.last_text().startswith("Before we start")


async def test_text_that_is_no_place_at_the_onboarding_question_gets_the_timezone_help(
    chat: Chat,
) -> None:
    """Half-way through set-up, a wrong answer is explained, not met with 'send /start'."""
    await chat.send("/start")
    for label in (*FIRST_STEPS, "19:30"):
        await chat.tap(label)
    calls = await chat.send("what do I do now?")
    assert "don't recognise that timezone" in calls[-1].text
    carer = chat.carer()
    assert carer is not None and carer.timezone is None and carer.onboarded_at is None


async def test_a_city_typed_at_the_settings_timezone_question_changes_it(chat: Chat) -> None:
    """In /settings too, and nothing is stored as a reflection."""
    await chat.onboard()
    await chat.send("/settings")
    await chat.tap("Timezone")
    calls = await chat.send("Madrid")
    assert "Timezone: Madrid" in calls[-1].text
    assert chat.carer().timezone == "Europe/Madrid"  # type: ignore[union-attr]
    assert chat.reflections() == []


async def test_a_reflection_typed_while_a_settings_question_is_open_is_kept(chat: Chat) -> None:
    """Only buttons were on screen: a text that is no time is what it looks like, a reflection."""
    await chat.onboard()
    await chat.send("/settings")
    await chat.tap("Time")
    calls = await chat.send("We baked a cake together and she laughed a lot.")
    assert "Thank you for taking a moment" in calls[-1].text
    carer = chat.carer()
    assert carer is not None and carer.prompt_time == "19:30" and carer.awaiting is None
    assert [row.text for row in chat.reflections()] == [
        "We baked a cake together and she laughed a lot."
    ]


async def test_a_tapped_choice_ends_the_typed_question(chat: Chat) -> None:
    """Tap 21:00 at the time question: a later '9' is a reflection, not a new time."""
    await chat.onboard()
    await chat.send("/settings")
    await chat.tap("Time")
    await chat.tap("21:00")
    await chat.send("9")
    assert chat.carer().prompt_time == "21:00"  # type: ignore[union-attr]
    assert [row.text for row in chat.reflections()] == ["9"]


async def test_a_scheduled_prompt_ends_an_abandoned_typed_question(chat: Chat) -> None:
    """'Type a time', then nothing: the evening's prompt arrives, and the answer to it is kept."""
    await chat.onboard()
    await chat.send("/settings")
    await chat.tap("Time")
    await chat.tap("Type a time")
    chat.clock.set(MONDAY_EVENING)
    assert len(await chat.run_sweep()) == 1
    assert chat.carer().awaiting is None  # type: ignore[union-attr]
    calls = await chat.send("Bedtime was calmer, she asked for one more story.")
    assert "Thank you for taking a moment" in calls[-1].text
    assert chat.carer().prompt_time == "19:30"  # type: ignore[union-attr]


async def test_text_half_way_through_set_up_points_to_the_question_not_to_start(
    chat: Chat,
) -> None:
    """They did send /start: the reply says to answer the last question, in their language."""
    await chat.send("/start")
    await chat.tap("Español")
    calls = await chat.send("hola")
    assert calls[-1].text.startswith("Terminemos primero la configuración")
    assert chat.reflections() == []


async def test_a_town_no_timezone_is_named_after_answers_the_question(chat: Chat) -> None:
    """'Manchester' is Europe/London: the carer types where they live, not a zone's city."""
    await chat.send("/start")
    for label in (*FIRST_STEPS, "19:30"):
        await chat.tap(label)
    await chat.send("Manchester")
    assert chat.carer().timezone == "Europe/London"  # type: ignore[union-attr]
    assert chat.last_text().startswith("Before we start")
