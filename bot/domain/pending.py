"""What the carer's next typed message answers: one typed value with one codec."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

SettingField = Literal["time", "timezone"]
Flow = Literal["ob", "set"]
_FIELDS: tuple[str, ...] = get_args(SettingField)
_FLOWS: tuple[str, ...] = get_args(Flow)
_MAX_ID = 2**63 - 1
REFLECTION_PREFIX = "reflection:"


@dataclass(frozen=True)
class AwaitingReflection:
    """The carer tapped Answer: their next text answers this delivery."""

    delivery_id: int


@dataclass(frozen=True)
class AwaitingSetting:
    """The carer's next text may answer the time or timezone question, in onboarding or settings.

    ``typed``: they tapped 'Type a time/timezone', so a text that is no time or place is a wrong
    answer. Otherwise the question's buttons are only on screen: a typed "Paris" or "8pm"
    answers it, and an onboarded carer's text that is neither is taken as a reflection.
    """

    field: SettingField
    flow: Flow
    typed: bool = True


@dataclass(frozen=True)
class AwaitingTrainer:
    """A trainer who is also a carer tapped a button that asks for typed text (a name...)."""


Pending = AwaitingReflection | AwaitingSetting | AwaitingTrainer
TRAINER_MARK = "trainer:"
OFFERED_SUFFIX = ":offered"
# Stored values a newly delivered prompt clears: an unused Answer tap, a settings question.
SUPERSEDED_BY_A_PROMPT = (REFLECTION_PREFIX, "time:set", "timezone:set")
# The onboarding questions in turn; the time and timezone questions take typed answers too.
NEXT_STEP = {
    "language": "role",
    "role": "ages",
    "ages": "days",
    "days": "time",
    "time": "timezone",
    "timezone": "privacy",
}


def encode_pending(pending: Pending | None) -> str | None:
    """Render the value stored in the ``carers.awaiting`` column."""
    if pending is None:
        return None
    if isinstance(pending, AwaitingReflection):
        return f"{REFLECTION_PREFIX}{pending.delivery_id}"
    if isinstance(pending, AwaitingTrainer):
        return TRAINER_MARK
    return f"{pending.field}:{pending.flow}" + ("" if pending.typed else OFFERED_SUFFIX)


def decode_pending(raw: str | None) -> Pending | None:
    """Read the stored value back; anything unreadable means nothing is pending."""
    head, _, tail = (raw or "").partition(":")
    if head == "reflection" and tail.isdigit() and 0 < int(tail) <= _MAX_ID:
        return AwaitingReflection(int(tail))
    if raw == TRAINER_MARK:
        return AwaitingTrainer()
    flow, offered, rest = tail.partition(OFFERED_SUFFIX)
    if head in _FIELDS and flow in _FLOWS and not rest:
        return AwaitingSetting(head, flow, typed=not offered)  # type: ignore[arg-type]
    return None


def offered_by(step: str, flow: Flow) -> AwaitingSetting | None:
    """The typed answer a question's buttons also take: its time or place, typed not tapped."""
    if step in _FIELDS:
        return AwaitingSetting(step, flow, typed=False)  # type: ignore[arg-type]
    return None
