"""Prompts on demand and on schedule: buttons, rotation, snooze, skip, DST, quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.model import AgeBand, Dimension, Role
from tests.harness import Chat


async def test_prompt_now_sends_a_prompt_with_its_buttons(chat: Chat) -> None:
    """/prompt shows the dimension, the question and Answer/Later/Tomorrow/Skip."""
    await chat.onboard()
    calls = await chat.send("/prompt")
    prompt = calls[-1]
    assert prompt.text.startswith("Availability: helping the child to trust")
    assert [label for label, _ in prompt.buttons] == ["Answer", "Later today", "Tomorrow", "Skip"]
    delivery = chat.deliveries()[-1]
    assert (delivery.kind, delivery.status, delivery.telegram_message_id) == (
        "on_demand",
        "sent",
        prompt.message_id,
    )


async def test_prompts_rotate_through_all_five_dimensions(chat: Chat) -> None:
    """Five prompts in a row cover the five dimensions in model order."""
    await chat.onboard()
    for _ in range(5):
        await chat.send("/prompt")
    assert [d.dimension for d in chat.deliveries()] == [d.value for d in Dimension]


async def test_no_prompt_repeats_until_the_audience_pool_is_used_up(chat: Chat) -> None:
    """A teen kinship carer sees every suitable availability prompt once before any repeat."""
    await chat.onboard(role="Kinship carer", ages="11–18 years")
    content = chat.app.bot_data.services.content
    pool = {
        p.id
        for p in content.prompts[Dimension.AVAILABILITY]
        if p.audience.suits(age_band=AgeBand.TEEN, role=Role.KINSHIP)
    }
    for _ in range(5 * (len(pool) + 1)):
        await chat.send("/prompt")
    seen = [d.prompt_id for d in chat.deliveries() if d.dimension == "availability"]
    assert set(seen[: len(pool)]) == pool
    assert len(set(seen[: len(pool)])) == len(pool)
    assert "availability.p10" not in seen  # an infant-only prompt never reaches a teen's carer
    assert "availability.p16" not in seen  # a residential-only prompt never reaches kinship


async def test_scheduled_prompt_arrives_at_local_time_across_a_dst_change(app, api, clock) -> None:  # type: ignore[no-untyped-def]
    """A Madrid carer's 19:30 prompt stays at 19:30 local when summer time ends."""
    clock.set(datetime(2026, 10, 23, 8, 0, tzinfo=UTC))  # Friday, CEST (UTC+2)
    chat = Chat(app, api, clock)
    await chat.onboard_in_spanish(ages="5–10 años")
    assert chat.carer().next_prompt_at == datetime(2026, 10, 23, 17, 30, tzinfo=UTC)  # type: ignore[union-attr]
    clock.set(datetime(2026, 10, 23, 17, 29, tzinfo=UTC))
    assert await chat.run_sweep() == []
    clock.set(datetime(2026, 10, 23, 17, 30, 20, tzinfo=UTC))
    first = await chat.run_sweep()
    assert len(first) == 1 and first[0].text.startswith("Disponibilidad")
    # Summer time ends on Sunday 25 October; Monday 19:30 is now CET (UTC+1) = 18:30 UTC.
    assert chat.carer().next_prompt_at == datetime(2026, 10, 26, 18, 30, tzinfo=UTC)  # type: ignore[union-attr]
    clock.set(datetime(2026, 10, 26, 17, 31, tzinfo=UTC))  # 18:31 local: an hour early
    assert await chat.run_sweep() == []
    clock.set(datetime(2026, 10, 26, 18, 30, 10, tzinfo=UTC))
    second = await chat.run_sweep()
    assert len(second) == 1
    assert await chat.run_sweep() == []  # never doubled
    scheduled = [d for d in chat.deliveries() if d.kind == "scheduled"]
    assert [d.due_at for d in scheduled] == [
        datetime(2026, 10, 23, 17, 30, tzinfo=UTC),
        datetime(2026, 10, 26, 18, 30, tzinfo=UTC),
    ]


async def test_a_prompt_more_than_two_hours_late_is_skipped_not_sent(chat: Chat) -> None:
    """Quiet hours: after downtime a stale prompt is recorded as missed, never sent at night."""
    await chat.onboard()  # next prompt Monday 19:30 UTC
    chat.clock.set(datetime(2026, 11, 23, 21, 31, tzinfo=UTC))
    assert await chat.run_sweep() == []
    delivery = chat.deliveries()[-1]
    assert (delivery.kind, delivery.status) == ("scheduled", "missed")
    assert chat.carer().next_prompt_at == datetime(2026, 11, 25, 19, 30, tzinfo=UTC)  # type: ignore[union-attr]


async def test_snooze_later_today_brings_the_same_prompt_back(chat: Chat) -> None:
    """'Later today' re-sends the same question three hours on, once."""
    await chat.onboard()
    await chat.send("/prompt")
    original = chat.last_prompt()
    await chat.tap("Later today")
    assert "I'll send it again" in chat.last_text()
    snooze = chat.deliveries()[-1]
    assert (snooze.kind, snooze.status) == ("snooze", "pending")
    assert snooze.due_at == datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    chat.clock.set(snooze.due_at + timedelta(seconds=5))
    calls = await chat.run_sweep()
    assert len(calls) == 1
    assert calls[0].text.startswith("As promised, here it is again.")
    assert original.text.split("\n\n")[1] in calls[0].text
    assert await chat.run_sweep() == []


async def test_later_today_is_refused_late_in_the_evening(chat: Chat) -> None:
    """At 20:50 local, 'later today' would be night: the carer is told to pick tomorrow."""
    await chat.onboard()
    chat.clock.set(datetime(2026, 11, 23, 20, 50, tzinfo=UTC))
    await chat.send("/prompt")
    await chat.tap("Later today")
    assert "It's getting late" in chat.last_text()
    assert chat.deliveries()[-1].status == "sent"
    await chat.tap("Tomorrow")
    snooze = chat.deliveries()[-1]
    assert snooze.due_at == datetime(2026, 11, 24, 19, 30, tzinfo=UTC)


async def test_skip_closes_the_prompt_and_a_second_tap_is_explained(chat: Chat) -> None:
    """Skip marks the delivery skipped; tapping an old button again gets a clear reply."""
    await chat.onboard()
    await chat.send("/prompt")
    prompt = chat.last_prompt()
    await chat.tap("Skip")
    assert chat.deliveries()[-1].status == "skipped"
    assert "Skipped" in chat.last_text()
    skip_data = dict(prompt.buttons)["Skip"]
    await chat.tap_data(skip_data, prompt.message_id or 0)
    assert "already been answered, skipped or snoozed" in chat.last_text()


async def test_transient_failure_is_retried_and_blocked_chat_is_paused(chat: Chat) -> None:
    """A dropped connection is retried with backoff, then on the next sweep; 403 pauses."""
    await chat.onboard()
    chat.clock.set(datetime(2026, 11, 23, 19, 30, 5, tzinfo=UTC))
    chat.api.drop_connection_next(times=2)
    assert len(await chat.run_sweep()) == 1  # the third try, after backing off, got through
    assert chat.deliveries()[-1].status == "sent"
    chat.clock.set(datetime(2026, 11, 25, 19, 30, 5, tzinfo=UTC))
    chat.api.drop_connection_next(times=5)  # unreachable for every try of this drain
    assert await chat.run_sweep() == []
    assert chat.deliveries()[-1].status == "pending"
    assert len(await chat.run_sweep()) == 1
    assert chat.deliveries()[-1].status == "sent"
    chat.clock.set(datetime(2026, 11, 27, 19, 30, 5, tzinfo=UTC))
    chat.api.fail_next("sendMessage", status=403, description="Forbidden: bot was blocked")
    assert await chat.run_sweep() == []
    carer = chat.carer()
    assert chat.deliveries()[-1].status == "failed"
    assert carer is not None and carer.paused and carer.next_prompt_at is None


async def test_an_unrelated_settings_change_keeps_a_due_prompt(chat: Chat) -> None:
    """Switching language seconds after 19:30, before the sweep, does not drop the prompt."""
    await chat.onboard()
    chat.clock.set(datetime(2026, 11, 23, 19, 30, 10, tzinfo=UTC))
    await chat.send("/settings")
    await chat.tap("Language")
    await chat.tap("Español")
    calls = await chat.run_sweep()
    assert len(calls) == 1
    assert calls[0].text.startswith("Disponibilidad")
