"""Trainers through the real dispatch path: admin, groups, links, themes, plans, reports."""

from __future__ import annotations

import re
import struct
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot.cli import main as cli_main
from bot.config import Settings
from bot.ports import ManualClock
from bot.sandbox.api import ApiCall
from bot.storage.models import GroupMember, Trainer
from tests.harness import Chat, running_chat

TRAINER_ID, NEW_ID, EXISTING_ID, LATE_ID, OTHER_TRAINER_ID = 2001, 3001, 3002, 3003, 2002
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def trainer(settings: Settings, clock: ManualClock) -> AsyncIterator[Chat]:
    """A trainer made by the admin command, talking to a running application."""
    assert _admin(settings, "add", str(TRAINER_ID), "--name", "Dana") == 0
    async with running_chat(settings, clock) as chat:
        yield Chat(chat.app, chat.api, clock, user_id=TRAINER_ID)


def _admin(settings: Settings, *args: str) -> int:
    """Run ``python -m bot trainers ...`` against the test database."""
    import os

    old = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = settings.database_url
    try:
        return cli_main(["trainers", *args])
    finally:
        if old is None:
            del os.environ["DATABASE_URL"]
        else:
            os.environ["DATABASE_URL"] = old


def other(chat: Chat, user_id: int, language_code: str = "en") -> Chat:
    """Another user of the same running application."""
    return Chat(chat.app, chat.api, chat.clock, user_id=user_id, language_code=language_code)


def join_code(chat: Chat) -> str:
    """Read the group's join code from the link on the trainer's group page."""
    for text in reversed(chat.texts()):
        found = re.search(r"start=(g_[A-Za-z0-9_-]+)", text)
        if found:
            return found[1]
    raise AssertionError("no join link shown")


def latest_report(chat: Chat) -> str:
    """The newest report text the trainer was shown (a chart may follow it)."""
    return next(text for text in reversed(chat.texts()) if text.startswith("Report for"))


def png_size(data: bytes) -> tuple[int, int]:
    """Read width and height from a PNG's IHDR chunk."""
    assert data.startswith(PNG)
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def join_carers(
    trainer: Chat, code: str, count: int, *texts: str, first_id: int = 5000
) -> list[Chat]:
    """Carers set up, join the group by its link and write the given reflections."""
    carers = [other(trainer, first_id + index) for index in range(count)]
    for carer in carers:
        await carer.onboard()
        await carer.send(f"/start {code}")
        await carer.tap("Join the group")
        for text in texts:
            await carer.send(text)
    return carers


async def make_group(trainer: Chat, name: str = "Tuesday group") -> str:
    await trainer.send("/trainer")
    await trainer.tap("New group")
    await trainer.send(name)
    return join_code(trainer)


async def test_admin_makes_a_trainer_and_nobody_else_gets_trainer_tools(
    trainer: Chat, settings: Settings
) -> None:
    stranger = other(trainer, 9999)
    await stranger.send("/trainer")
    assert "Trainer tools are for trainers your agency has set up" in stranger.last_text()
    await trainer.send("/trainer")
    assert "Trainer tools" in trainer.last_text()
    menus = [c for c in trainer.api.calls if c.method == "setMyCommands" and "scope" in c.params]
    assert menus and str(TRAINER_ID) in str(menus[-1].params["scope"])
    assert "report" in str(menus[-1].params["commands"])


async def test_a_one_time_trainer_link_works_once(
    settings: Settings, clock: ManualClock, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _admin(settings, "invite") == 0
    code = re.search(r"start=(t_[A-Za-z0-9_-]+)", capsys.readouterr().out)
    assert code is not None
    async with running_chat(settings, clock) as chat:
        first, second = other(chat, 4001), other(chat, 4002)
        await first.send(f"/start {code[1]}")
        assert "You are now a trainer" in " ".join(first.texts()[-2:])
        await second.send(f"/start {code[1]}")
        assert "That link no longer works" in second.last_text()


async def test_three_carers_join_by_link_and_a_theme_week_sets_their_prompts(
    trainer: Chat,
) -> None:
    code = await make_group(trainer)
    existing = other(trainer, EXISTING_ID)
    await existing.onboard()
    # A new user opens the link: the group, the trainer and what the trainer sees, then Join.
    new = other(trainer, NEW_ID)
    await new.send(f"/start {code}")
    preview = new.last_text()
    assert "Dana invites you to the group “Tuesday group”" in preview
    assert "never sees what you write" in preview
    await new.tap("Join the group")
    assert "Now a few questions" in " ".join(new.texts()[-2:])
    await new.onboard(start=False)
    await existing.send(f"/start {code}")
    await existing.tap("Join the group")
    assert "You have joined “Tuesday group”" in existing.last_text()
    # The trainer sets this week's theme: every prompt now comes from that dimension.
    await trainer.send("/trainer")
    await trainer.tap("Tuesday group")
    await trainer.tap("This week's theme")
    await trainer.tap("Co-operation")
    assert "Now: week 1, Co-operation" in trainer.last_text()
    await trainer.clock_advance(timedelta(hours=7, minutes=30))  # Monday 19:30 in London
    for _ in range(2):
        await trainer.clock_advance(timedelta(days=2))  # Wednesday, Friday
    sent = [d for d in trainer.deliveries() if d.status == "sent"]
    assert len({d.carer_id for d in sent}) == 2
    assert len(sent) == 6
    assert {d.dimension for d in sent} == {"cooperation"}
    # A late joiner, in week 2, follows the group's calendar from now on.
    await trainer.clock_advance(timedelta(days=3))  # Monday of week 2, 19:30
    late = other(trainer, LATE_ID)
    await late.onboard()
    await late.send(f"/start {code}")
    assert "The group is in week 2 of its programme" in late.last_text()
    assert "weeks already past are not repeated" in late.last_text()
    await late.tap("Join the group")
    await trainer.send("/trainer")
    # Fewer than five carers: the trainer learns no exact figure, not even how many joined.
    assert "Tuesday group: fewer than 5 carers, week 2" in trainer.last_text()
    # Week 2 has no theme: the usual rotation resumes after the theme's dimension.
    await trainer.clock_advance(timedelta(days=2))  # Wednesday of week 2
    week_two = [d for d in trainer.deliveries() if d.status == "sent"][6:]
    assert len(week_two) == 5
    assert len({d.carer_id for d in week_two}) == 3
    assert "cooperation" not in {d.dimension for d in week_two}


async def test_a_theme_week_follows_the_carers_local_calendar_across_a_dst_change(
    settings: Settings,
) -> None:
    # Week starting Monday 26 October 2026: the clocks went back in London on the 25th.
    from datetime import UTC, datetime

    clock = ManualClock(datetime(2026, 10, 19, 12, 0, tzinfo=UTC))
    assert _admin(settings, "add", str(TRAINER_ID), "--name", "Dana") == 0
    async with running_chat(settings, clock) as base:
        trainer = other(base, TRAINER_ID)
        code = await make_group(trainer)
        carer = other(base, EXISTING_ID)
        await carer.onboard()
        await carer.send(f"/start {code}")
        await carer.tap("Join the group")
        await trainer.send("/trainer")
        await trainer.tap("Tuesday group")
        await trainer.tap("Next week's theme")
        await trainer.tap("Family membership")
        await trainer.tap("Write a note")
        await trainer.send("Think about the small rituals of your home.")
        # Sweep daily at 19:45 UTC: within the quiet window of 19:30 BST and 19:30 GMT alike.
        await trainer.clock_advance(timedelta(hours=7, minutes=45))
        for _ in range(14):
            await trainer.clock_advance(timedelta(days=1))
        sent = [d for d in carer.deliveries() if d.status == "sent" and d.kind == "scheduled"]
        next_week = [
            d
            for d in sent
            if datetime(2026, 10, 26, tzinfo=UTC) <= d.due_at < datetime(2026, 11, 2, tzinfo=UTC)
        ]
        assert next_week and {d.dimension for d in next_week} == {"family_membership"}
        # 19:30 London time after the change is 19:30 UTC.
        assert all(d.due_at.hour == 19 and d.due_at.minute == 30 for d in next_week)
        others = [d for d in sent if d not in next_week]
        assert {d.dimension for d in others} != {"family_membership"}
        noted = [c for c in carer.api.calls if "small rituals" in c.text]
        assert len(noted) == 1, "the note shows above the week's first prompt only"
        assert noted[0].text.startswith("This week's note from your trainer:")


async def test_a_report_for_fewer_than_five_carers_shows_nothing(trainer: Chat) -> None:
    code = await make_group(trainer)
    await join_carers(trainer, code, 4, "Bedtime was calmer tonight and we read together.")
    await trainer.send("/report")
    report = trainer.last_text()
    assert "Nothing to show" in report
    assert not re.search(r"Reflections written: \d", report)
    assert not trainer.api.sent("sendPhoto")


async def test_a_report_for_a_full_group_has_figures_and_a_chart(trainer: Chat) -> None:
    code = await make_group(trainer)
    await join_carers(
        trainer,
        code,
        6,
        "Bedtime was calmer tonight and we read together. It went really well.",
        "I'm exhausted, she screamed for an hour and nothing helped.",
    )
    await trainer.send("/report")
    text = latest_report(trainer)
    assert "Carers in the group: 6" in text
    assert "Reflections written: 12" in text
    assert "Struggles: 50% · Went well: 50%" in text
    assert "Bedtime" not in " ".join(trainer.texts())
    photos = trainer.api.sent("sendPhoto")
    assert photos
    assert png_size(next(iter(photos[-1].files.values()))) == (1080, 1350)


async def test_a_second_trainer_cannot_see_or_change_the_first_trainers_group(
    trainer: Chat, settings: Settings
) -> None:
    await make_group(trainer)
    group_buttons = [
        d for call in trainer.api.calls for _l, d in call.buttons if d.startswith("tr:theme:")
    ]
    group_id = int(group_buttons[-1].split(":")[2])
    assert _admin(settings, "add", str(OTHER_TRAINER_ID)) == 0
    intruder = other(trainer, OTHER_TRAINER_ID)
    await intruder.send("/trainer")
    assert "Tuesday group" not in intruder.last_text()
    for forged in (
        f"tr:group:{group_id}:0:",
        f"tr:report:{group_id}:0:",
        f"tr:settheme:{group_id}:0:acceptance",
        f"tr:archiveok:{group_id}:0:",
        f"tr:bcast:{group_id}:0:",
        f"tr:qr:{group_id}:0:",
    ):
        calls = await intruder.tap_data(forged, message_id=1)
        shown = " ".join(c.text for c in calls)
        assert "not one of yours" in shown, forged
        assert "Tuesday group" not in shown
    await trainer.send("/trainer")
    assert "Tuesday group" in trainer.last_text()


async def test_a_carer_who_leaves_stops_counting_and_forget_removes_memberships(
    trainer: Chat,
) -> None:
    code = await make_group(trainer)
    carer = other(trainer, EXISTING_ID)
    await carer.onboard()
    await carer.send(f"/start {code}")
    await carer.tap("Join the group")
    await carer.send("/groups")
    assert "Tuesday group, run by Dana" in carer.last_text()
    await carer.tap("Leave")
    await carer.tap("Yes, leave")
    assert "You have left the group." in carer.last_text()
    await trainer.send("/trainer")
    assert "0 carers" in trainer.last_text()
    await carer.send(f"/start {code}")
    await carer.tap("Join the group")
    await carer.send("/forget")
    await carer.tap("Yes, delete everything")
    with Session(trainer.app.bot_data.services.db.engine) as session:
        assert session.exec(select(GroupMember)).all() == []


async def test_a_broadcast_is_previewed_confirmed_and_sent_in_daytime_only(
    trainer: Chat,
) -> None:
    code = await make_group(trainer)
    carer = other(trainer, EXISTING_ID)
    await carer.onboard(timezone="London")
    await carer.send(f"/start {code}")
    await carer.tap("Join the group")
    trainer.clock.advance(timedelta(hours=10))  # 22:00 in London: night
    await trainer.send("/trainer")
    await trainer.tap("Tuesday group")
    await trainer.tap("Message the group")
    await trainer.send("Session moved to Thursday, same time.")
    assert "Preview" in trainer.last_text()
    assert not [
        c
        for c in carer.api.calls
        if "moved to Thursday" in c.text and c.params.get("chat_id") == EXISTING_ID
    ]
    await trainer.tap("Send")
    assert "Queued for fewer than 5 carers" in trainer.last_text()
    await trainer.run_sweep()
    assert not _to(carer, "moved to Thursday")
    trainer.clock.advance(timedelta(hours=11))  # 09:00 next day
    await trainer.run_sweep()
    received = _to(carer, "moved to Thursday")
    assert len(received) == 1
    assert received[0].text.startswith("A message from Dana, your trainer in “Tuesday group”:")


async def test_an_invite_link_can_be_stopped_and_capped(trainer: Chat) -> None:
    code = await make_group(trainer)
    await trainer.tap("Stop the link")
    carer = other(trainer, NEW_ID)
    await carer.send(f"/start {code}")
    assert "That link no longer works" in carer.last_text()
    await trainer.tap("Link for 30 people")
    fresh = join_code(trainer)
    assert fresh != code
    assert "used 0 of 30 times" in trainer.last_text()
    qr = await trainer.tap("QR code")
    photo = [c for c in qr if c.method == "sendPhoto"]
    assert photo and next(iter(photo[0].files.values())).startswith(PNG)


async def test_a_trainer_copies_the_six_week_plan_edits_it_and_runs_it(trainer: Chat) -> None:
    await make_group(trainer)
    await trainer.tap("Back")
    await trainer.tap("Plans")
    await trainer.tap("Secure Base in six weeks")
    assert "week 2: Availability" in trainer.last_text()
    await trainer.tap("Copy")
    assert "(my copy)" in trainer.last_text()
    await trainer.tap("week 1: rest week")
    assert "week 1: Availability" in trainer.last_text()
    await trainer.tap("Add a week")
    assert "week 7" in trainer.last_text()
    with Session(trainer.app.bot_data.services.db.engine) as session:
        assert session.exec(select(Trainer)).first() is not None
    await trainer.send("/trainer")
    await trainer.tap("Tuesday group")
    await trainer.tap("Programme plan")
    await trainer.tap("Start this week")
    assert "Programme: Secure Base in six weeks" in trainer.last_text()


def _to(chat: Chat, fragment: str) -> list[ApiCall]:
    return [
        c
        for c in chat.api.calls
        if c.method == "sendMessage"
        and fragment in c.text
        and c.params.get("chat_id") == chat.user_id
    ]


async def _run_digest_job(chat: Chat) -> list[ApiCall]:
    from bot.scheduling.jobs import DIGEST_JOB

    assert chat.app.job_queue is not None
    job = chat.app.job_queue.get_jobs_by_name(DIGEST_JOB)[0]
    mark = len(chat.api.calls)
    await job.run(chat.app)
    return chat.api.calls[mark:]


async def test_the_monday_digest_arrives_once_with_last_weeks_report_unless_turned_off(
    trainer: Chat,
) -> None:
    code = await make_group(trainer)
    await join_carers(trainer, code, 5, "We had a lovely walk and she held my hand.")
    assert not await _run_digest_job(trainer)  # Monday afternoon: too late for this week's
    trainer.clock.advance(timedelta(days=6, hours=21))  # next Monday 09:00 in London
    calls = await _run_digest_job(trainer)
    texts = [c.text for c in calls if c.params.get("chat_id") == TRAINER_ID]
    assert texts[0].startswith("Your Monday digest")
    assert "week 1" in texts[1] and "Reflections written: 5" in texts[1]
    assert [c for c in calls if c.method == "sendPhoto"]
    assert not await _run_digest_job(trainer)  # once
    await trainer.send("/trainer")
    await trainer.tap("Turn digest off")
    assert "Monday digest: off" in trainer.last_text()
    trainer.clock.advance(timedelta(days=7))
    assert not await _run_digest_job(trainer)


async def test_groups_says_whose_theme_a_carer_in_two_clashing_groups_follows(
    trainer: Chat, settings: Settings
) -> None:
    first = await make_group(trainer, "Monday group")
    await trainer.tap("This week's theme")
    await trainer.tap("Acceptance")
    assert _admin(settings, "add", str(OTHER_TRAINER_ID), "--name", "Eli") == 0
    second_trainer = other(trainer, OTHER_TRAINER_ID)
    second = await make_group(second_trainer, "Evening group")
    await second_trainer.tap("This week's theme")
    await second_trainer.tap("Sensitivity")
    carer = other(trainer, EXISTING_ID)
    await carer.onboard()
    for code in (first, second):
        await carer.send(f"/start {code}")
        await carer.tap("Join the group")
    await carer.send("/groups")
    listing = carer.last_text()
    follows = listing.index("your prompts follow this one, the group you joined last")
    assert listing.index("Evening group") < follows < listing.index("Monday group")
    await carer.send("/prompt")
    assert carer.deliveries()[-1].dimension == "sensitivity"


async def test_a_trainer_who_is_also_a_carer_types_a_group_name_not_a_reflection(
    trainer: Chat,
) -> None:
    await trainer.onboard()
    await trainer.send("/trainer")
    await trainer.tap("New group")
    await trainer.send("Foster carers, Cork")
    assert "Group “Foster carers, Cork”" in trainer.last_text()
    assert trainer.reflections() == []
    await trainer.send("A calmer evening: we baked together and she laughed a lot.")
    assert len(trainer.reflections()) == 1  # the next text is a reflection again
    await trainer.tap("Rename")
    await trainer.send("x" * 61)
    assert "Please send a name of 1 to 60 characters." in trainer.last_text()
    await trainer.send("/help")  # a command abandons the typed answer
    await trainer.send("Bath time was hard again tonight, lots of tears.")
    assert len(trainer.reflections()) == 2


async def test_groups_reports_and_messages_work_on_postgresql(
    postgres_url: str, clock: ManualClock
) -> None:
    settings = Settings(database_url=postgres_url, bot_token=None, _env_file=None)
    assert _admin(settings, "add", str(TRAINER_ID), "--name", "Dana") == 0
    async with running_chat(settings, clock) as base:
        trainer = other(base, TRAINER_ID)
        code = await make_group(trainer)
        await trainer.tap("This week's theme")
        await trainer.tap("Sensitivity")
        await join_carers(
            trainer,
            code,
            5,
            "/prompt",
            "She let me comfort her after the nightmare, which felt new.",
        )
        assert {d.dimension for d in trainer.deliveries()} == {"sensitivity"}
        await trainer.send("/report")
        assert "Reflections written: 5" in latest_report(trainer)
        await trainer.send("/trainer")
        await trainer.tap("Tuesday group")
        await trainer.tap("Message the group")
        await trainer.send("See you on Thursday.")
        await trainer.tap("Send")
        await trainer.run_sweep()
        copies = [c for c in base.api.calls if "See you on Thursday." in c.text]
        assert len(copies) == 6  # five carers, and the trainer's preview


async def test_leaving_changes_no_week_already_counted_so_reports_cannot_be_subtracted(
    trainer: Chat,
) -> None:
    code = await make_group(trainer)
    carers = await join_carers(
        trainer, code, 6, "We made pancakes together and she chose the toppings herself."
    )
    await trainer.send("/report")
    before = latest_report(trainer)
    assert "Reflections written: 6" in before
    # Later that day one carer leaves: what they wrote while a member still counts this week.
    trainer.clock.advance(timedelta(hours=1))
    await carers[0].send("/groups")
    await carers[0].tap("Leave")
    await carers[0].tap("Yes, leave")
    await carers[1].send("Another calm evening; the routine is settling in.")
    await trainer.send("/report")
    assert "Carers in the group: 6" in latest_report(trainer)
    assert "Reflections written: 7" in latest_report(trainer)
    # Next week the week-1 report is frozen; the leaver no longer counts from now on.
    trainer.clock.advance(timedelta(days=7))
    await trainer.send("/trainer")
    await trainer.tap("Tuesday group")
    await trainer.tap("Report")  # week 2
    assert "Carers in the group: 5" in latest_report(trainer)
    await trainer.tap("◀ Earlier")
    assert "Reflections written: 7" in latest_report(trainer)
    await carers[1].send("/forget")
    await carers[1].tap("Yes, delete everything")
    await trainer.tap("Back")
    await trainer.tap("Report")
    await trainer.tap("◀ Earlier")
    assert "Reflections written: 7" in latest_report(
        trainer
    )  # frozen: an erasure cannot be subtracted either


async def test_a_trainer_types_a_timezone_and_a_wrong_one_is_asked_again(trainer: Chat) -> None:
    await trainer.send("/trainer")
    await trainer.tap("Timezone")
    await trainer.send("Mars/Olympus")
    assert "I don't recognise that timezone" in trainer.last_text()
    await trainer.send("Europe/Madrid")
    assert "Your timezone: Madrid" in trainer.last_text()
    await trainer.tap("Timezone")
    await trainer.send("dublin")  # a city, as people type it
    assert "Your timezone: Dublin" in trainer.last_text()


async def test_an_admin_adds_by_username_lists_and_removes_trainers(
    trainer: Chat, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code = await make_group(trainer)
    assert _admin(settings, "add", "@Eli_Trainer") == 0
    eli = other(trainer, OTHER_TRAINER_ID)
    eli.users.user["username"] = "eli_trainer"
    await eli.send("/trainer")
    assert eli.last_text().startswith("Trainer tools")  # bound on first visit
    capsys.readouterr()
    assert _admin(settings, "list") == 0
    listing = capsys.readouterr().out
    assert f"{TRAINER_ID}\tDana\tactive\t1 group(s)" in listing
    assert f"{OTHER_TRAINER_ID}\t" in listing
    assert _admin(settings, "remove", str(TRAINER_ID)) == 0
    await trainer.send("/trainer")
    assert "Trainer tools are for trainers your agency has set up" in trainer.last_text()
    carer = other(trainer, NEW_ID)
    await carer.send(f"/start {code}")
    assert "That link no longer works" in carer.last_text()
    from bot.handlers.trainers import register_menus

    await register_menus(trainer.app)  # what the next start-up does
    cleared = [c for c in trainer.api.calls if c.method == "deleteMyCommands"]
    assert cleared and str(TRAINER_ID) in str(cleared[-1].params["scope"])
    assert _admin(settings, "remove", "@nobody_here") == 1
    assert _admin(settings, "add", "not a user") == 1
