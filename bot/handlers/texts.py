"""Every sentence the bot says, built from gettext with named placeholders."""

from __future__ import annotations

from babel import Locale

from bot.domain.errors import (
    DomainError,
    NoteTooLongError,
    NotTextError,
    ReflectionTooLongError,
)
from bot.domain.model import AgeBand, Dimension, Role, Strength
from bot.domain.reflection import TELEGRAM_MESSAGE_LIMIT, cut_utf16, utf16_length
from bot.handlers import trainer_texts
from bot.handlers.signposts import safeguarding_note, signpost
from bot.i18n import Translator
from bot.packs.registry import ContentRegistry
from bot.services.views import (
    Assessment,
    CarerView,
    JournalPage,
    RevisionOutcome,
    UnkeptConcern,
)


def language_name(locale: str) -> str:
    """Name a language in itself ('Español', 'Українська', 'العربية'), as a chooser shows it."""
    name = Locale.parse(locale).get_display_name(locale) or locale
    return name[:1].upper() + name[1:]


def role_label(t: Translator, role: Role) -> str:
    """Name a role."""
    return {
        Role.FOSTER: t.gettext("Foster carer"),
        Role.ADOPTER: t.gettext("Adopter"),
        Role.KINSHIP: t.gettext("Kinship carer"),
        Role.RESIDENTIAL: t.gettext("Residential worker"),
    }[role]


def age_band_label(t: Translator, band: AgeBand) -> str:
    """Name an age band."""
    return {
        AgeBand.INFANT: t.gettext("0–18 months"),
        AgeBand.EARLY: t.gettext("18 months – 4 years"),
        AgeBand.MIDDLE: t.gettext("5–10 years"),
        AgeBand.TEEN: t.gettext("11–18 years"),
        AgeBand.SEVERAL: t.gettext("Several ages"),
    }[band]


def welcome(t: Translator) -> str:
    """Greet a carer at /start and ask for their language."""
    return t.gettext(
        "Welcome. This is a space to pause and reflect on your caring, using the Secure Base "
        "model. A few quick questions first.\n\nWhich language would you like?"
    )


def ask_role(t: Translator) -> str:
    """Ask for the carer's role."""
    return t.gettext("What kind of care do you give?")


def ask_age_band(t: Translator) -> str:
    """Ask for the age band."""
    return t.gettext("How old is the child, or are the children, you care for?")


def ask_days(t: Translator, view: CarerView) -> str:
    """Ask for prompt days, showing the current choice."""
    return t.gettext(
        "On which days would you like a reflection prompt? About three a week works well for "
        "most carers. Tap days to switch them on or off, then Done.\n\nChosen: {days}"
    ).format(days=weekday_list(t, view.weekdays))


def ask_time(t: Translator) -> str:
    """Ask for the local prompt time."""
    return t.gettext(
        "At what time of day? Pick one, or tap 'Type a time' and send it, e.g. 20:15."
    )


def ask_typed_time(t: Translator) -> str:
    """Invite a typed time."""
    return t.gettext("Send the time you'd like, for example 20:15 or 8pm.")


def ask_timezone(t: Translator) -> str:
    """Ask for the timezone."""
    return t.gettext(
        "Which timezone are you in? Pick one, share your location with the paperclip button, "
        "or just type the town or city you live in."
    )


def ask_typed_timezone(t: Translator) -> str:
    """Invite a typed timezone."""
    return t.gettext(
        "Send the town or city you live in, or a timezone name such as Europe/London."
    )


def privacy_notice(t: Translator, retention_days: int) -> str:
    """Explain, once, what the bot is and is not, what it keeps and for how long."""
    notice = t.gettext(
        "Before we start: this is a private space for your own reflection. It is not the "
        "official log or diary your agency asks you to keep, and it is not a way to report "
        "concerns, so please keep using your agency's routes for those. Please don't name "
        "children or write details that could identify them; initials or 'my youngest' are "
        "fine. The bot stores your settings, the prompts it sends you and what you write, so "
        "you can read them back with /journal. /export sends you a file with all of it, and "
        "/forget deletes all of it at any time. /pause stops prompts."
    )
    return f"{notice} {retention(t, retention_days)}"


def retention(t: Translator, days: int) -> str:
    """State the retention policy."""
    return t.ngettext(
        "Reflections and prompts are deleted automatically {days} day after they were written.",
        "Reflections and prompts are deleted automatically {days} days after they were written.",
        days,
    ).format(days=days)


def onboarding_done(t: Translator, view: CarerView, content: ContentRegistry) -> str:
    """Confirm the schedule after onboarding."""
    return t.gettext(
        "All set. {schedule}\n\nYou can ask for a prompt any time with /prompt. /settings "
        "changes any answer, and /help lists everything."
    ).format(schedule=schedule_line(t, view))


def schedule_line(t: Translator, view: CarerView) -> str:
    """Describe when prompts come."""
    if view.paused:
        return t.gettext("Prompts are paused. Send /resume to restart them.")
    if view.next_prompt_at is None or view.timezone is None:
        return t.gettext("No prompts are scheduled yet.")
    return t.gettext(
        "Prompts come on {days} at {time} ({timezone}). The next one: {next}."
    ).format(
        days=weekday_list(t, view.weekdays),
        time=t.time(view.prompt_time),
        timezone=t.zone_name(view.timezone),
        next=t.datetime(view.next_prompt_at, view.timezone),
    )


def weekday_list(t: Translator, days: frozenset[int]) -> str:
    """List weekday names in order, joined as the locale joins a list ('lun, mié y vie')."""
    return t.join([t.weekday(day, "abbreviated") for day in sorted(days)])


def settings_summary(t: Translator, view: CarerView) -> str:
    """Show every setting and what to tap to change it."""
    lines = [
        t.gettext("Your settings:"),
        t.gettext("Language: {language}").format(language=language_name(view.locale)),
        t.gettext("Role: {role}").format(
            role=role_label(t, view.role) if view.role else t.gettext("not set")
        ),
        t.gettext("Ages: {ages}").format(
            ages=age_band_label(t, view.age_band) if view.age_band else t.gettext("not set")
        ),
        t.gettext("Days: {days}").format(days=weekday_list(t, view.weekdays)),
        t.gettext("Time: {time}").format(time=t.time(view.prompt_time)),
        t.gettext("Timezone: {timezone}").format(
            timezone=t.zone_name(view.timezone) if view.timezone else t.gettext("not set")
        ),
        "",
        schedule_line(t, view),
        "",
        t.gettext("Tap what you'd like to change."),
    ]
    return "\n".join(lines)


def prompt_message(
    t: Translator, content: ContentRegistry, *, prompt_id: str, dimension: str, snoozed: bool
) -> str:
    """Render a prompt with its dimension heading."""
    dim = Dimension(dimension)
    prompt = content.prompt(prompt_id)
    text = prompt.texts[t.locale] if prompt else ""
    heading = t.gettext("{dimension}: {benefit}").format(
        dimension=content.dimension_name(dim, t.locale),
        benefit=content.dimension_benefit(dim, t.locale),
    )
    lead = t.gettext("As promised, here it is again.") + "\n" if snoozed else ""
    footer = t.gettext("Reply with a few lines whenever suits you. Please leave out names.")
    return f"{lead}{heading}\n\n{text}\n\n{footer}"


def answer_invitation(t: Translator, prompt_text: str | None) -> str:
    """Invite the reflection after the Answer button."""
    invitation = t.gettext(
        "Go ahead: write your reflection in your next message. "
        "Please leave out names and identifying details."
    )
    return f"{prompt_text}\n\n{invitation}" if prompt_text else invitation


def snoozed(t: Translator, due_at_text: str) -> str:
    """Confirm a snooze."""
    return t.gettext("No problem. I'll send it again {when}.").format(when=due_at_text)


def skipped(t: Translator) -> str:
    """Confirm a skip without guilt."""
    return t.gettext("Skipped. There's no catching up to do; the next prompt comes as usual.")


def reflection_reply(t: Translator, assessment: Assessment) -> str:
    """Thank and suggest (with a note when a flag is unsure), or give the signpost."""
    if assessment.risk is not None:
        return signpost(t, assessment.risk, assessment.contacts)
    parts = [t.gettext("Thank you for taking a moment to reflect. It's saved in your /journal.")]
    if assessment.suggestion is not None:
        heading = t.gettext("An idea to consider:")
        parts.append(f"{heading}\n{assessment.suggestion.texts[t.locale]}")
    if assessment.note is not None:
        parts.append(safeguarding_note(t, assessment.note, assessment.contacts))
    return "\n\n".join(parts)


def acknowledged(t: Translator) -> str:
    """Answer a bare 'ok' or 'thanks' without keeping it as a reflection."""
    return t.gettext(
        "Any time. Whenever you'd like to reflect, write a few lines here and I'll keep them "
        "in your /journal."
    )


def unkept_concern(t: Translator, concern: UnkeptConcern) -> str:
    """The fixed signpost for a sure flag; else the refusal, then the short safety note."""
    if concern.strength is Strength.SIGNPOST:
        return signpost(t, concern.level, concern.contacts)
    refusal = domain_error(t, concern.refusal)
    return f"{refusal}\n\n{safeguarding_note(t, concern.level, concern.contacts)}"


def reflection_updated(t: Translator) -> str:
    """Confirm that an edited reflection was updated in the journal."""
    return t.gettext("Updated in your /journal.")


def reflection_continued(t: Translator) -> str:
    """Confirm that the tail of a long paste joined the reflection it belongs to."""
    return t.gettext(
        "Telegram sent your long message in two parts; I've put them back together as one "
        "reflection in your /journal."
    )


def revision_reply(t: Translator, outcome: RevisionOutcome) -> str:
    """Confirm an edit or a joined paste; the fixed signpost or note if it now calls for one."""
    if outcome.risk:
        return signpost(t, outcome.risk, outcome.contacts)
    confirmation = reflection_continued(t) if outcome.continued else reflection_updated(t)
    if outcome.note:
        return f"{confirmation}\n\n" + safeguarding_note(t, outcome.note, outcome.contacts)
    return confirmation


def private_only(t: Translator) -> str:
    """Tell a group or channel, once, that the bot works in private chats only."""
    return t.gettext(
        "I only work in private chats, because reflections are private. Please message me "
        "directly. Nothing from this chat has been read or stored, and I'm leaving it now."
    )


def prompts_stopped_unreachable(t: Translator, since: str) -> str:
    """Tell a returning carer why prompts stopped while Telegram could not reach them."""
    return t.gettext(
        "Welcome back. Your prompts stopped on {since} because Telegram could not deliver "
        "them (the bot may have been blocked). Your journal is kept. Send /resume to restart "
        "prompts."
    ).format(since=since)


def non_text(t: Translator) -> str:
    """Reply to voice notes, photos, stickers and files."""
    return t.gettext(
        "Thank you. I can only keep written text, so voice notes, photos, stickers and files "
        "are not saved. If you'd like, type a few lines instead, leaving out names and "
        "anything that could identify a child."
    )


def domain_error(t: Translator, error: DomainError) -> str:
    """Explain a problem the carer can fix; nothing was saved."""
    if isinstance(error, NoteTooLongError):
        return t.gettext(
            "That's {length} characters, and the limit is {limit}. Nothing was saved. Could you "
            "shorten it and send it again?"
        ).format(length=error.length, limit=error.limit)
    trainer_error = trainer_texts.error_text(t, error.key)
    if trainer_error is not None:
        return trainer_error
    if isinstance(error, NotTextError):
        return non_text(t)
    if isinstance(error, ReflectionTooLongError):
        return t.gettext(
            "That's longer than I can keep: {length} characters, and the limit is {limit}. "
            "Nothing was saved. Could you shorten it, or send it as two messages?"
        ).format(length=error.length, limit=error.limit)
    messages = {
        "unknown_timezone": t.gettext(
            "I don't recognise that timezone. Try a name like Europe/London or "
            "America/Mexico_City, or pick one from the list."
        ),
        "invalid_time": t.gettext(
            "I couldn't read that as a time. Try something like 19:30 or 7pm."
        ),
        "no_days": t.gettext("Please keep at least one day; use /pause to stop prompts."),
        "empty_reflection": t.gettext("That message was empty, so there was nothing to save."),
        "control_characters": t.gettext(
            "That message contains hidden control characters, so I couldn't save it. Please "
            "type it again, or paste it as plain text."
        ),
        "button_expired": t.gettext("That button has expired. Send /help to see what you can do."),
        "too_late_today": t.gettext(
            "It's getting late, so 'later today' would fall in the night. Try 'Tomorrow' instead."
        ),
        "prompt_closed": t.gettext(
            "That prompt has already been answered, skipped or snoozed. Send /prompt for a "
            "new one."
        ),
        "not_onboarded": t.gettext("Let's get you set up first: send /start."),
        "setup_unfinished": t.gettext(
            "Let's finish setting up first: tap an answer under the last question, or send "
            "/start to begin again."
        ),
    }
    return messages.get(error.key, t.gettext("Sorry, that didn't work. Please try again."))


def paused(t: Translator) -> str:
    """Confirm a pause."""
    return t.gettext("Prompts are paused. Your journal is kept. Send /resume whenever you like.")


def resumed(t: Translator, view: CarerView) -> str:
    """Confirm a resume."""
    return t.gettext("Welcome back. {schedule}").format(schedule=schedule_line(t, view))


def journal_page(t: Translator, page: JournalPage, content: ContentRegistry) -> str:
    """Render one page of the journal."""
    if page.total == 0:
        return t.gettext("Your journal is empty so far. Send /prompt to begin.")
    header = t.ngettext(
        "Your journal: {count} reflection. Page {page} of {pages}.",
        "Your journal: {count} reflections. Page {page} of {pages}.",
        page.total,
    ).format(count=page.total, page=page.page + 1, pages=page.pages)
    zone = page.carer.timezone or "UTC"
    heads = []
    for entry in page.entries:
        title = t.datetime(entry.created_at, zone)
        if entry.dimension is not None:
            title = f"{title} · {content.dimension_name(entry.dimension, t.locale)}"
        prompt = content.prompt(entry.prompt_id) if entry.prompt_id else None
        question = f"\n{prompt.texts[t.locale]}" if prompt else ""
        heads.append(f"{title}{question}\n› ")
    budget = _text_budget(header, heads)
    blocks = [
        head + cut_utf16(entry.text, budget)
        for head, entry in zip(heads, page.entries, strict=True)
    ]
    return "\n\n".join([header, *blocks])


def _text_budget(header: str, heads: list[str]) -> int:
    """Share what Telegram's 4,096 UTF-16 units leave after the headings between the entries."""
    fixed = utf16_length(header) + sum(utf16_length(head) + 2 for head in heads)
    return max(40, (TELEGRAM_MESSAGE_LIMIT - fixed) // max(1, len(heads)))


def export_caption(t: Translator) -> str:
    """Caption the export file."""
    return t.gettext(
        "Everything the bot stores about you, as a JSON file. Keep it somewhere "
        "safe: it contains what you wrote."
    )


def forget_confirm(t: Translator) -> str:
    """Ask before deleting everything."""
    return t.gettext(
        "This deletes your settings, prompts and every reflection you wrote. It "
        "cannot be undone. Delete everything?"
    )


def forgotten(t: Translator) -> str:
    """Confirm deletion."""
    return t.gettext(
        "Done. Everything about you has been deleted. If you ever want to come back, send /start."
    )


def forget_cancelled(t: Translator) -> str:
    """Confirm nothing was deleted."""
    return t.gettext("Nothing was deleted.")


def nothing_to_forget(t: Translator) -> str:
    """Reply to /forget from someone with no data."""
    return t.gettext("There is nothing stored about you.")


def help_text(t: Translator, retention_days: int) -> str:
    """List what the bot can do, and how long it keeps what carers write."""
    body = t.gettext(
        "I send you short reflection prompts on the days and time you chose, based on the "
        "five Secure Base dimensions, and reply to what you write with an idea to try.\n\n"
        "/prompt a prompt now\n/journal read what you wrote\n/settings change your answers\n"
        "/pause and /resume stop or restart prompts\n/language change language\n"
        "/export download everything stored about you\n/forget delete everything\n\n"
        "This is not the official log and not a reporting channel. Please don't name children."
    )
    groups = t.gettext("/groups the groups you joined, and what their trainers see")
    # The command list, then /groups with the other commands, then the privacy paragraph.
    commands, _, privacy = body.rpartition("\n\n")
    listed = f"{commands}\n{groups}\n\n{privacy}" if commands else f"{body}\n{groups}"
    return f"{listed}\n\n{retention(t, retention_days)}"


def language_prompt(t: Translator) -> str:
    """Ask which language to use."""
    return t.gettext("Which language would you like?")


def unexpected_error(t: Translator) -> str:
    """Apologise for a bug without blaming the carer."""
    return t.gettext(
        "Sorry, something went wrong on my side and your last message was not "
        "saved. Please try again in a moment."
    )


def command_descriptions(t: Translator) -> list[tuple[str, str]]:
    """Return the command menu for setMyCommands."""
    return [
        ("prompt", t.gettext("Get a reflection prompt now")),
        ("journal", t.gettext("Read your reflections")),
        ("settings", t.gettext("Change your answers")),
        ("pause", t.gettext("Pause prompts")),
        ("resume", t.gettext("Restart prompts")),
        ("language", t.gettext("Change language")),
        ("export", t.gettext("Download everything stored about you")),
        ("forget", t.gettext("Delete everything stored about you")),
        ("help", t.gettext("What this bot does")),
        ("start", t.gettext("Set up or restart")),
    ]


def button_labels(t: Translator) -> dict[str, str]:
    """Return the labels of fixed buttons."""
    return {
        "done": t.gettext("Done"),
        "type_time": t.gettext("Type a time"),
        "type_timezone": t.gettext("Type a timezone"),
        "privacy_ok": t.gettext("I understand, let's begin"),
        "answer": t.gettext("Answer"),
        "later": t.gettext("Later today"),
        "tomorrow": t.gettext("Tomorrow"),
        "skip": t.gettext("Skip"),
        "older": t.gettext("Older"),
        "newer": t.gettext("Newer"),
        "forget_yes": t.gettext("Yes, delete everything"),
        "forget_no": t.gettext("No, keep it"),
        "language": t.gettext("Language"),
        "role": t.gettext("Role"),
        "ages": t.gettext("Ages"),
        "days": t.gettext("Days"),
        "time": t.gettext("Time"),
        "timezone": t.gettext("Timezone"),
    }
