"""Every sentence of the trainer tools and of a carer's groups, through gettext."""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from bot.domain.group_report import K_ANONYMITY
from bot.domain.model import Dimension
from bot.domain.programme import PlanWeek
from bot.i18n import Translator
from bot.packs.registry import ContentRegistry
from bot.reports.spec import Bar, ChartSpec, Panel
from bot.services.trainer_views import (
    BroadcastPreview,
    BroadcastQueued,
    CarerGroup,
    GroupView,
    Hub,
    JoinPreview,
    PlanScreen,
    PlansScreen,
    PlanView,
    ReportScreen,
    ThemeScreen,
    Typing,
)


class DimensionNames(Protocol):
    """What a chart needs of the packs: each dimension's name in a locale."""

    def dimension_name(self, dimension: Dimension, locale: str) -> str:
        """Return the display name of a dimension."""
        ...


def plan_name(t: Translator, plan: PlanView) -> str:
    """Name a plan; shipped plans are named in the reader's language."""
    if plan.key == "secure-base-six-weeks":
        return t.gettext("Secure Base in six weeks")
    return plan.name


def shipped_plan_names(t: Translator) -> dict[str, str]:
    """Return the stored names of shipped plans (English, for the database)."""
    return {"secure-base-six-weeks": t.gettext("Secure Base in six weeks")}


def week_theme(t: Translator, content: ContentRegistry, week: PlanWeek | None) -> str:
    """Name a week's focus: a dimension, a rest week, or none set."""
    if week is None:
        return t.gettext("no theme (usual rotation)")
    if week.dimension is None:
        return t.gettext("rest week (usual rotation)")
    return content.dimension_name(week.dimension, t.locale)


def week_number(t: Translator, week: int | None) -> str:
    """Say which programme week it is, counted from 1 for people."""
    if week is None:
        return t.gettext("not started yet")
    return t.gettext("week {number}").format(number=week + 1)


# Carers ------------------------------------------------------------------------------------


def what_trainer_sees(t: Translator) -> str:
    """Tell a carer exactly what their trainer can and cannot see."""
    return t.gettext(
        "What your trainer sees: only totals for the whole group (how many carers joined and "
        "wrote, how many prompts and reflections, which dimensions they were about, and how "
        "many were struggles or went well), and nothing at all while the group has fewer than "
        "{k} carers. Your trainer never sees what you write, who wrote what, or any "
        "safeguarding notes."
    ).format(k=K_ANONYMITY)


def join_preview(t: Translator, content: ContentRegistry, preview: JoinPreview) -> str:
    """Show a group before the carer joins it."""
    lines = [
        t.gettext("{trainer} invites you to the group “{group}”.").format(
            trainer=preview.trainer_name, group=preview.group_name
        ),
        "",
        _calendar_line(t, content, preview.week, preview.this_week),
        "",
        what_trainer_sees(t),
        "",
        t.gettext("You can leave the group at any time with /groups."),
    ]
    if preview.already_member:
        lines.append(t.gettext("You are already in this group."))
    return "\n".join(lines)


def _calendar_line(
    t: Translator, content: ContentRegistry, week: int | None, this_week: PlanWeek | None
) -> str:
    if week is None:
        return t.gettext(
            "The group's programme has not started yet; your prompts follow it once it does."
        )
    return t.gettext(
        "The group is in {week} of its programme ({theme}). If you join now, you follow the "
        "group's calendar from this week: the weeks already past are not repeated."
    ).format(week=week_number(t, week), theme=week_theme(t, content, this_week))


def joined(t: Translator, preview: JoinPreview, onboarded: bool) -> str:
    """Confirm a join; a new carer is set up next."""
    done = t.gettext("You have joined “{group}”.").format(group=preview.group_name)
    if onboarded:
        return done
    return done + "\n\n" + t.gettext("Now a few questions to set up your prompts.")


def join_declined(t: Translator) -> str:
    """Confirm that nothing changed."""
    return t.gettext(
        "No problem: you have not joined. The link keeps working if you change your mind."
    )


def my_groups(t: Translator, content: ContentRegistry, groups: list[CarerGroup]) -> str:
    """List a carer's groups, their theme, and which theme the carer's prompts follow."""
    if not groups:
        return t.gettext("You are not in any group. A trainer can give you a link to join theirs.")
    lines = [t.gettext("Your groups:")]
    for group in groups:
        lines.append("")
        lines.append(
            t.gettext("• {group}, run by {trainer}: {week}, {theme}").format(
                group=group.name,
                trainer=group.trainer_name,
                week=week_number(t, group.week),
                theme=week_theme(t, content, group.this_week),
            )
        )
        if group.clashes and group.sets_theme:
            lines.append(
                t.gettext(
                    "  Your groups have different themes this week: your prompts follow this "
                    "one, the group you joined last."
                )
            )
    lines += ["", what_trainer_sees(t)]
    return "\n".join(lines)


def leave_confirm(t: Translator, name: str) -> str:
    """Ask before leaving."""
    return t.gettext(
        "Leave “{group}”? Its themes and messages stop, and you stop counting in its totals."
    ).format(group=name)


def left_group(t: Translator) -> str:
    """Confirm leaving."""
    return t.gettext("You have left the group.")


def broadcast_message(t: Translator, body: str, group: str, trainer: str) -> str:
    """Show a trainer's message to a carer, clearly from the trainer, verbatim."""
    head = t.gettext("A message from {trainer}, your trainer in “{group}”:").format(
        trainer=trainer, group=group
    )
    return f"{head}\n\n{body}"


def with_theme_note(t: Translator, note: str, prompt_text: str) -> str:
    """Put a trainer's week note, verbatim, above the week's first prompt."""
    head = t.gettext("This week's note from your trainer:")
    return f"{head}\n{note}\n\n{prompt_text}"


# Trainers ----------------------------------------------------------------------------------


def trainer_welcome(t: Translator) -> str:
    """Greet a new trainer."""
    return t.gettext(
        "You are now a trainer. Create a group, share its link or QR code, set weekly themes "
        "and read group reports here. You only ever see totals for a group, never what a "
        "carer wrote or who wrote it."
    )


def hub(t: Translator, content: ContentRegistry, screen: Hub) -> str:
    """The trainer's home: their open groups and settings."""
    lines = [t.gettext("Trainer tools")]
    if not screen.groups:
        lines += ["", t.gettext("You have no groups yet. Tap “New group” to make one.")]
    for group in screen.groups:
        if 0 < group.members < K_ANONYMITY:  # nothing exact about fewer than k carers
            lines.append(
                t.gettext("• {group}: fewer than {k} carers, {week}").format(
                    group=group.name, k=K_ANONYMITY, week=week_number(t, group.week)
                )
            )
            continue
        lines.append(
            t.ngettext(
                "• {group}: {count} carer, {week}",
                "• {group}: {count} carers, {week}",
                group.members,
            ).format(group=group.name, count=group.members, week=week_number(t, group.week))
        )
    digest = (
        t.gettext("Monday digest: on")
        if screen.trainer.digest_enabled
        else t.gettext("Monday digest: off")
    )
    lines += [
        "",
        digest,
        t.gettext("Your timezone: {zone}").format(zone=t.zone_name(screen.trainer.timezone)),
    ]
    return "\n".join(lines)


def group_page(t: Translator, content: ContentRegistry, group: GroupView, link: str) -> str:
    """One group's page: members, calendar, themes, link."""
    lines = [
        t.gettext("Group “{group}”").format(group=group.name),
        (
            t.gettext("Fewer than {k} carers have joined.").format(k=K_ANONYMITY)
            if 0 < group.members < K_ANONYMITY
            else t.ngettext(
                "{count} carer has joined.", "{count} carers have joined.", group.members
            ).format(count=group.members)
        ),
        (
            t.gettext("Programme: {plan}, from {date}").format(
                plan=plan_name(t, group.plan), date=t.day(group.start)
            )
            if group.plan
            else t.gettext("No programme plan yet: weeks are counted from {date}.").format(
                date=t.day(group.start)
            )
        ),
        t.gettext("Now: {week}, {theme}").format(
            week=week_number(t, group.week), theme=week_theme(t, content, group.this_week)
        ),
        t.gettext("Next week: {theme}").format(theme=week_theme(t, content, group.next_week)),
    ]
    if group.this_week is not None and group.this_week.note:
        lines.append(t.gettext("This week's note: {note}").format(note=group.this_week.note))
    lines.append("")
    if group.invite is None:
        lines.append(t.gettext("No join link is active. Tap “New link” to make one."))
    else:
        lines.append(t.gettext("Join link: {link}").format(link=link))
        if group.invite.expires_at is not None:
            lines.append(
                t.gettext("It stops working on {date}.").format(
                    date=t.day(group.invite.expires_at)
                )
            )
        if group.invite.max_uses is not None and not 0 < group.invite.uses < K_ANONYMITY:
            lines.append(
                t.gettext("It has been used {uses} of {cap} times.").format(
                    uses=group.invite.uses, cap=group.invite.max_uses
                )
            )
        elif group.invite.max_uses is not None:
            lines.append(
                t.gettext("It admits up to {cap} people.").format(cap=group.invite.max_uses)
            )
    if group.members < K_ANONYMITY:
        lines += [
            "",
            t.gettext("Reports show figures once at least {k} carers have joined.").format(
                k=K_ANONYMITY
            ),
        ]
    return "\n".join(lines)


def qr_caption(t: Translator, group: GroupView, link: str) -> str:
    """Explain the QR code image."""
    return t.gettext(
        "Show this in the training room: scanning it opens {link} to join “{group}”."
    ).format(link=link, group=group.name)


def theme_screen(t: Translator, content: ContentRegistry, screen: ThemeScreen) -> str:
    """Ask for one week's theme."""
    return t.gettext(
        "Theme for {week} of “{group}” (from {date}). Now: {theme}. During a theme week every "
        "prompt for the group's carers comes from that dimension."
    ).format(
        week=week_number(t, screen.week),
        group=screen.group.name,
        date=t.day(screen.group.start + timedelta(weeks=screen.week)),
        theme=week_theme(t, content, screen.current),
    )


def plans_screen(t: Translator, screen: PlansScreen) -> str:
    """List plans."""
    if screen.group is not None:
        return t.gettext("Choose a programme plan for “{group}”.").format(group=screen.group.name)
    return t.gettext("Programme plans. Open one to see its weeks; copy it to make your own.")


def plan_screen(t: Translator, content: ContentRegistry, screen: PlanScreen) -> str:
    """Show a plan's weeks."""
    plan = screen.plan
    lines = [plan_name(t, plan), ""]
    for index, week in enumerate(plan.weeks):
        line = t.gettext("{week}: {theme}").format(
            week=week_number(t, index), theme=week_theme(t, content, week)
        )
        lines.append(f"{line} — {week.note}" if week.note else line)
    lines.append("")
    if plan.own:
        lines.append(
            t.gettext("Tap a week to change its theme; tap its note button to write a note.")
        )
    else:
        lines.append(t.gettext("This plan comes with the bot. Copy it to make one you can edit."))
    return "\n".join(lines)


def plan_copy_name(t: Translator, plan: PlanView) -> str:
    """Name a trainer's copy of a plan."""
    return t.gettext("{plan} (my copy)").format(plan=plan_name(t, plan))


def typing(t: Translator, screen: Typing) -> str:
    """Ask the trainer to type what a button asked for."""
    asks = {
        "group_name": t.gettext("Send the new group's name (up to 60 characters)."),
        "rename": t.gettext("Send the group's new name (up to 60 characters)."),
        "note": t.gettext(
            "Send a short note for the week (up to 300 characters). Carers see it, exactly as "
            "you write it, above their first prompt of the week. Send a single dash (-) for no "
            "note."
        ),
        "broadcast": t.gettext(
            "Send the message for the group (up to 1000 characters). You will see a preview "
            "before anything is sent."
        ),
        "plan_note": t.gettext(
            "Send the note for this week of the plan (up to 300 characters), or a single dash (-) "
            "for none."
        ),
        "plan_name": t.gettext("Send the plan's new name (up to 60 characters)."),
        "timezone": t.gettext(
            "Send the town or city you live in, or a timezone name such as Europe/London."
        ),
    }
    return asks.get(screen.ask, asks["group_name"])


def broadcast_preview(t: Translator, screen: BroadcastPreview) -> str:
    """Show a draft message before it is sent; a count under k is not given exactly."""
    head = (
        t.gettext(
            "This goes to fewer than {k} carers in “{group}”, in their own daytime (09:00–20:00 "
            "where they live), never at night. Preview:"
        ).format(k=K_ANONYMITY, group=screen.group.name)
        if 0 < screen.recipients < K_ANONYMITY
        else _recipients_head(t, screen)
    )
    shown = broadcast_message(t, screen.text, screen.group.name, screen.trainer.display_name)
    return f"{head}\n\n{shown}"


def _recipients_head(t: Translator, screen: BroadcastPreview) -> str:
    return t.ngettext(
        "This goes to {count} carer in “{group}”, in their own daytime (09:00–20:00 where "
        "they live), never at night. Preview:",
        "This goes to {count} carers in “{group}”, in their own daytime (09:00–20:00 where "
        "they live), never at night. Preview:",
        screen.recipients,
    ).format(count=screen.recipients, group=screen.group.name)


def broadcast_queued(t: Translator, screen: BroadcastQueued) -> str:
    """Confirm a message is on its way; a count under k is not given exactly."""
    if 0 < screen.recipients < K_ANONYMITY:
        return t.gettext(
            "Queued for fewer than {k} carers. Each copy goes out in the carer's daytime."
        ).format(k=K_ANONYMITY)
    return t.ngettext(
        "Queued for {count} carer. It goes out in their daytime.",
        "Queued for {count} carers. Each copy goes out in the carer's daytime.",
        screen.recipients,
    ).format(count=screen.recipients)


def broadcast_cancelled(t: Translator) -> str:
    """Confirm a draft was dropped."""
    return t.gettext("Cancelled: nothing was sent.")


def report_text(t: Translator, content: ContentRegistry, screen: ReportScreen) -> str:
    """Write a week's figures as text, hiding what could single anyone out."""
    report = screen.report
    title = t.gettext("Report for “{group}”, {week} (from {date})").format(
        group=screen.group.name, week=week_number(t, screen.week), date=t.day(screen.week_start)
    )
    if not report.shown:
        return (
            title
            + "\n\n"
            + t.gettext(
                "Nothing to show: figures appear once the group has at least {k} carers."
            ).format(k=K_ANONYMITY)
        )
    hidden = hidden_marker(t)
    lines = [
        title,
        "",
        t.gettext("Carers in the group: {count}").format(count=report.members),
        t.gettext("Carers who wrote: {count}").format(count=_count(report.active, hidden)),
        t.gettext("Prompts sent: {count}").format(count=_count(report.prompts_sent, hidden)),
        t.gettext("Reflections written: {count}").format(count=_count(report.reflections, hidden)),
        t.gettext("Response rate: {rate}").format(rate=_share(t, report.response_rate, hidden)),
        t.gettext("Struggles: {share} · Went well: {other}").format(
            share=_share(t, report.struggle_share, hidden),
            other=_share(t, report.went_well_share, hidden),
        ),
    ]
    if report.by_dimension:
        lines += ["", t.gettext("Reflections by dimension:")]
        for dimension in Dimension:
            lines.append(
                t.gettext("• {dimension}: {count}").format(
                    dimension=content.dimension_name(dimension, t.locale),
                    count=_count(report.by_dimension.get(dimension), hidden),
                )
            )
    if report.reflections is None:
        lines += [
            "",
            t.gettext(
                "Reflection figures appear once at least {k} carers have written in a week."
            ).format(k=K_ANONYMITY),
        ]
    return "\n".join(lines)


def hidden_marker(t: Translator) -> str:
    """Say a figure is hidden to protect individuals."""
    return t.gettext("fewer than {k}").format(k=K_ANONYMITY)


def digest_intro(t: Translator) -> str:
    """Open the Monday digest."""
    return t.gettext("Your Monday digest: last week in your groups. Turn it off in /trainer.")


def chart_spec(t: Translator, content: DimensionNames, screen: ReportScreen) -> ChartSpec | None:
    """Build the report chart in the trainer's language; nothing when figures are hidden."""
    report = screen.report
    if not report.shown or report.reflections is None:
        return None
    hidden = hidden_marker(t)
    return ChartSpec(
        title=t.gettext("“{group}”, {week}").format(
            group=screen.group.name, week=week_number(t, screen.week)
        ),
        subtitle=t.gettext("{carers} carers · {reflections} reflections").format(
            carers=report.members, reflections=report.reflections
        ),
        panels=(
            Panel(
                t.gettext("Reflections by dimension"),
                tuple(
                    _bar(content.dimension_name(d, t.locale), report.by_dimension.get(d), str)
                    for d in Dimension
                ),
            ),
            Panel(
                t.gettext("Struggles and things that went well"),
                (
                    _bar(t.gettext("Struggles"), _pct(report.struggle_share), _pct_text(t)),
                    _bar(t.gettext("Went well"), _pct(report.went_well_share), _pct_text(t)),
                ),
                maximum=100.0,
            ),
            Panel(
                t.gettext("Reflections per prompt sent"),
                (_bar(t.gettext("Response rate"), _pct(report.response_rate), _pct_text(t)),),
                maximum=100.0,
            ),
        ),
        hidden_text=hidden,
        rtl=t.rtl,
        cjk=t.locale.startswith("zh"),
    )


def _bar(label: str, value: float | None, render: object) -> Bar:
    shown = None if value is None else float(value)
    return Bar(label, shown, "" if value is None else render(value))  # type: ignore[operator]


def _pct(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def _pct_text(t: Translator) -> object:
    return lambda value: t.percent(value / 100)


def _count(value: int | None, hidden: str) -> str:
    return hidden if value is None else str(value)


def _share(t: Translator, value: float | None, hidden: str) -> str:
    return hidden if value is None else t.percent(value)


def trainer_commands(t: Translator) -> list[tuple[str, str]]:
    """Return the extra commands in a trainer's menu."""
    return [
        ("trainer", t.gettext("Trainer tools: groups, themes, plans")),
        ("report", t.gettext("Group reports")),
    ]


def groups_command(t: Translator) -> tuple[str, str]:
    """Return the carers' /groups command."""
    return ("groups", t.gettext("Your groups, and what trainers see"))


def labels(t: Translator) -> dict[str, str]:
    """Return the labels of trainer and group buttons."""
    return {
        "new_group": t.gettext("New group"),
        "plans": t.gettext("Plans"),
        "digest_on": t.gettext("Turn digest on"),
        "digest_off": t.gettext("Turn digest off"),
        "timezone": t.gettext("Timezone"),
        "back": t.gettext("Back"),
        "this_theme": t.gettext("This week's theme"),
        "next_theme": t.gettext("Next week's theme"),
        "plan": t.gettext("Programme plan"),
        "message": t.gettext("Message the group"),
        "report": t.gettext("Report"),
        "qr": t.gettext("QR code"),
        "new_link": t.gettext("New link"),
        "link_7d": t.gettext("Link for 7 days"),
        "link_30": t.gettext("Link for 30 people"),
        "revoke": t.gettext("Stop the link"),
        "rename": t.gettext("Rename"),
        "archive": t.gettext("Archive"),
        "archive_yes": t.gettext("Yes, archive it"),
        "rest": t.gettext("Rest week"),
        "note": t.gettext("Write a note"),
        "send": t.gettext("Send"),
        "cancel": t.gettext("Cancel"),
        "copy": t.gettext("Copy"),
        "add_week": t.gettext("Add a week"),
        "drop_week": t.gettext("Remove last week"),
        "rename_plan": t.gettext("Rename plan"),
        "start_now": t.gettext("Start this week"),
        "start_next": t.gettext("Start next week"),
        "earlier": t.gettext("◀ Earlier"),
        "later": t.gettext("Later ▶"),
        "join": t.gettext("Join the group"),
        "not_now": t.gettext("Not now"),
        "leave": t.gettext("Leave “{group}”"),
        "leave_yes": t.gettext("Yes, leave"),
        "keep": t.gettext("No, stay"),
    }


def archive_confirm(t: Translator, group: GroupView) -> str:
    """Ask before archiving."""
    return t.gettext(
        "Archive “{group}”? Its link stops working, its themes end and its carers go back to "
        "the usual rotation. Carers keep everything they wrote."
    ).format(group=group.name)


def error_text(t: Translator, key: str) -> str | None:
    """Explain trainer and group errors; None for keys other modules explain."""
    return {
        "not_trainer": t.gettext(
            "Trainer tools are for trainers your agency has set up. If you should have them, "
            "ask your agency for a trainer link."
        ),
        "group_not_found": t.gettext(
            "That group or plan is not one of yours, or no longer exists."
        ),
        "name_invalid": t.gettext("Please send a name of 1 to 60 characters."),
        "invite_invalid": t.gettext(
            "That link no longer works: it was stopped, has expired or is full. Ask your trainer "
            "for a new one."
        ),
    }.get(key)
