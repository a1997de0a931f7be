"""Onboarding and settings, driven through the real dispatch path."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.harness import Chat


async def test_onboarding_saves_every_answer_and_schedules_the_first_prompt(chat: Chat) -> None:
    """A carer who completes /start gets a schedule at their local time."""
    await chat.onboard(
        role="Kinship carer", ages="11–18 years", time_label="21:00", timezone="New York"
    )
    carer = chat.carer()
    assert carer is not None
    assert (carer.locale, carer.role, carer.age_band) == ("en", "kinship", "teen")
    assert (carer.weekdays, carer.prompt_time, carer.timezone) == (
        "0,2,4",
        "21:00",
        "America/New_York",
    )
    # Monday 23 Nov 2026 21:00 in New York (EST, UTC-5) is Tuesday 02:00 UTC.
    assert carer.next_prompt_at == datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    assert (
        "Prompts come on Mon, Wed and Fri at 21:00 (New York). "
        "The next one: Monday 23 Nov, 21:00." in chat.last_text()
    )


async def test_privacy_notice_is_shown_before_the_schedule_starts(chat: Chat) -> None:
    """Onboarding ends with the notice: not the official log, no names, how to delete."""
    await chat.onboard()
    notice = next(text for text in chat.texts() if text.startswith("Before we start"))
    assert "not the official log" in notice
    assert "don't name children" in notice
    assert "/forget" in notice and "/export" in notice


async def test_rerunning_start_keeps_answers(chat: Chat) -> None:
    """/start after onboarding welcomes back and changes nothing."""
    await chat.onboard(role="Adopter")
    before = chat.carer()
    calls = await chat.send("/start")
    after = chat.carer()
    assert before is not None and after is not None
    assert (after.role, after.next_prompt_at, after.onboarded_at) == (
        before.role,
        before.next_prompt_at,
        before.onboarded_at,
    )
    assert calls[-1].text.startswith("Welcome back.")


async def test_weekday_toggles_and_last_day_cannot_be_removed(chat: Chat) -> None:
    """Days toggle on and off; removing every day is refused with a clear message."""
    await chat.send("/start")
    await chat.tap("English")
    await chat.tap("Foster carer")
    await chat.tap("Several ages")
    await chat.tap("Tue")
    await chat.tap("✓ Mon")
    await chat.tap("✓ Wed")
    assert chat.carer().weekdays == "1,4"  # type: ignore[union-attr]
    await chat.tap("✓ Tue")
    await chat.tap("✓ Fri")
    assert "at least one day" in chat.last_text()
    assert chat.carer().weekdays == "4"  # type: ignore[union-attr]


async def test_typed_time_and_timezone_are_validated_and_nothing_is_lost(chat: Chat) -> None:
    """Bad typed answers get a translated error and the question stays open."""
    await chat.send("/start")
    for label in ("English", "Foster carer", "5–10 years", "Done", "Type a time"):
        await chat.tap(label)
    await chat.send("25:99")
    assert "couldn't read that as a time" in chat.last_text()
    await chat.send("8.15 pm")
    assert chat.carer().prompt_time == "20:15"  # type: ignore[union-attr]
    await chat.tap("Type a timezone")
    await chat.send("Mars/Olympus")
    assert "don't recognise that timezone" in chat.last_text()
    await chat.send("europe/dublin")
    carer = chat.carer()
    assert carer is not None and carer.timezone == "Europe/Dublin"
    assert chat.last_text().startswith("Before we start")


@pytest.mark.parametrize(
    ("language", "labels", "typed", "zone"),
    [
        ("English", ("Foster carer", "5–10 years", "Done", "19:30", "Type a timezone"),
         "new york", "America/New_York"),
        ("Español", ("Familia de acogida", "5–10 años", "Listo", "19:30",
                     "Escribir una zona horaria"), "Ciudad de México", "America/Mexico_City"),
        ("Українська", ("Прийомні батьки, ДБСТ", "5–10 років", "Готово", "19:30",
                        "Ввести часовий пояс"), "київ", "Europe/Kyiv"),
    ],
)  # fmt: skip
async def test_a_city_typed_in_the_carers_language_sets_the_timezone(
    chat: Chat, language: str, labels: tuple[str, ...], typed: str, zone: str
) -> None:
    """Carers type the city they live in, as they spell it, not an IANA id."""
    await chat.start_and_tap(language, *labels)
    await chat.send(typed)
    assert chat.carer().timezone == zone  # type: ignore[union-attr]


async def test_the_timezone_picker_names_cities_in_the_carers_language(chat: Chat) -> None:
    """Babel's city names, never IANA ids or their paths ('Argentina/Buenos Aires')."""
    await chat.start_and_tap("Español", "Familia de acogida", "5–10 años", "Listo", "19:30")
    labels = [label for label, _data in chat.api.calls[-1].buttons]
    assert labels[:7] == [
        "Madrid",
        "Canarias",
        "Ciudad de México",
        "Bogotá",
        "Buenos Aires",
        "Santiago de Chile",
        "Lima",
    ]


@pytest.mark.parametrize(
    ("labels", "typed", "stored"),
    [
        (("العربية", "أسرة كافلة", "من 5 إلى 10 سنوات", "تمّ", "كتابة الوقت"), "٨:١٥ م", "20:15"),
        (("中文", "寄养家庭", "5–10岁", "完成", "输入时间"), "晚上8点半", "20:30"),
    ],
)
async def test_a_carer_types_a_time_the_way_their_language_writes_it(
    chat: Chat, labels: tuple[str, ...], typed: str, stored: str
) -> None:
    """The Arabic picker shows '7:30 م': typing '٨:١٥ م' is understood, and so is '晚上8点半'."""
    await chat.start_and_tap(*labels)
    await chat.send(typed)
    assert chat.carer().prompt_time == stored  # type: ignore[union-attr]


async def test_shared_location_sets_the_timezone(chat: Chat) -> None:
    """A location shared at the timezone step is mapped to its IANA zone."""
    await chat.send("/start")
    for label in ("English", "Foster carer", "5–10 years", "Done", "19:30"):
        await chat.tap(label)
    await chat.send_update(chat.users.location(40.4168, -3.7038))
    assert chat.carer().timezone == "Europe/Madrid"  # type: ignore[union-attr]
    assert chat.last_text().startswith("Before we start")


async def test_spanish_is_chosen_from_the_language_button(chat: Chat) -> None:
    """Choosing Español switches every following message to Spanish."""
    await chat.onboard_in_spanish(ages="Varias edades")
    carer = chat.carer()
    assert carer is not None and carer.locale == "es"
    assert chat.last_text().startswith("Todo listo. Las preguntas llegan los días lun, mié y vie")


async def test_language_is_negotiated_from_telegram(app, api, clock) -> None:  # type: ignore[no-untyped-def]
    """A Telegram language code of es-MX falls back to Spanish; an unknown one to English."""
    mexican = Chat(app, api, clock, user_id=2001, language_code="es-MX")
    await mexican.send("/start")
    assert "¿En qué idioma" in mexican.last_text()
    dutch = Chat(app, api, clock, user_id=2002, language_code="nl")
    await dutch.send("/start")
    assert "Which language would you like?" in dutch.last_text()


async def test_settings_change_any_answer_and_reschedule(chat: Chat) -> None:
    """/settings shows the answers; changing the time moves the next prompt."""
    await chat.onboard()
    await chat.send("/settings")
    assert "Role: Foster carer" in chat.last_text()
    await chat.tap("Time")
    await chat.tap("09:00")
    carer = chat.carer()
    assert carer is not None and carer.prompt_time == "09:00"
    assert carer.next_prompt_at == datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    assert "Time: 09:00" in chat.last_text()
    await chat.tap("Language")
    await chat.tap("Español")
    assert chat.carer().locale == "es"  # type: ignore[union-attr]
    assert "Tu configuración:" in chat.last_text()


async def test_pause_and_resume(chat: Chat) -> None:
    """Pausing clears the schedule; resuming plans from now."""
    await chat.onboard()
    await chat.send("/pause")
    assert chat.carer().next_prompt_at is None  # type: ignore[union-attr]
    assert "paused" in chat.last_text()
    await chat.send("/resume")
    assert chat.carer().next_prompt_at == datetime(2026, 11, 23, 19, 30, tzinfo=UTC)  # type: ignore[union-attr]


async def test_commands_before_start_ask_to_start(chat: Chat) -> None:
    """Someone who never sent /start is pointed there, in their language."""
    calls = await chat.send("/prompt")
    assert calls[-1].text == "Let's get you set up first: send /start."
    calls = await chat.send("hello")
    assert calls[-1].text == "Let's get you set up first: send /start."
    assert chat.reflections() == []


async def test_a_double_tap_that_changes_nothing_is_not_an_error(chat: Chat) -> None:
    """Telegram refuses an edit with identical content; the carer sees no error."""
    await chat.send("/start")
    chat.api.fail_next(
        "editMessageText", status=400, description="Bad Request: message is not modified"
    )
    calls = await chat.tap("English")
    assert [call.method for call in calls] == ["answerCallbackQuery"]
    assert chat.carer().locale == "en"  # type: ignore[union-attr]
