"""The fixed safeguarding replies: translated rules with agency contacts, never improvised."""

from __future__ import annotations

from bot.domain.model import RiskLevel
from bot.i18n import Translator
from bot.packs.schema import Contacts


def signpost(t: Translator, level: RiskLevel, contacts: Contacts) -> str:
    """Return the fixed safeguarding reply for a level; never improvised."""
    number = contacts.emergency_number
    if level is RiskLevel.DANGER:
        body = t.gettext(
            "Thank you for telling me. If anyone is in immediate danger, or a child is missing, "
            "call {emergency_number} now. Then contact the child's social worker, or out of "
            "hours your local emergency duty team."
        ).format(emergency_number=number)
    elif level is RiskLevel.DISCLOSURE:
        body = t.gettext(
            "Thank you for writing this down. What you describe may be a child protection "
            "concern. Please report it now to the child's social worker or your supervising "
            "social worker; out of hours, to your local emergency duty team. If a child is in "
            "immediate danger, call {emergency_number}. There's no need to ask the child more "
            "about it; the people you report to will guide you."
        ).format(emergency_number=number)
    else:
        body = t.gettext(
            "Thank you for being honest about how hard this is. You don't have to carry it "
            "alone: please talk to your supervising social worker soon. If anyone is in "
            "immediate danger, call {emergency_number}."
        ).format(emergency_number=number)
    parts = [body, *_helpline(t, contacts)]
    parts.append(
        t.gettext("This bot is not a reporting channel, so please use the contacts above.")
    )
    return "\n\n".join(parts)


def _helpline(t: Translator, contacts: Contacts) -> list[str]:
    """The agency's helpline line, when it has one."""
    if not contacts.helpline:
        return []
    return [t.gettext("You can also contact: {helpline}").format(helpline=contacts.helpline)]


def safeguarding_note(t: Translator, level: RiskLevel, contacts: Contacts) -> str:
    """Return the short fixed note added under a suggestion when a flag is unsure."""
    number = contacts.emergency_number
    if level is RiskLevel.DANGER:
        body = t.gettext(
            "A safety note: if anyone might be in danger right now, or a child is missing, "
            "call {emergency_number}, then tell the child's social worker."
        ).format(emergency_number=number)
    elif level is RiskLevel.DISCLOSURE:
        body = t.gettext(
            "A safety note: if any of this is a worry about a child's safety, tell the "
            "child's social worker or your supervising social worker today. If a child is in "
            "immediate danger, call {emergency_number}."
        ).format(emergency_number=number)
    else:
        body = t.gettext(
            "A note for you: if things feel too much, your supervising social worker is there "
            "to support you, not only the child."
        )
    return "\n".join([body, *_helpline(t, contacts)])
