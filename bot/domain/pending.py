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
    """The carer tapped 'Type a time/timezone' in onboarding ("ob") or settings ("set")."""

    field: SettingField
    flow: Flow


@dataclass(frozen=True)
class AwaitingTrainer:
    """A trainer who is also a carer tapped a button that asks for typed text (a name...)."""


Pending = AwaitingReflection | AwaitingSetting | AwaitingTrainer
TRAINER_MARK = "trainer:"


def encode_pending(pending: Pending | None) -> str | None:
    """Render the value stored in the ``carers.awaiting`` column."""
    if pending is None:
        return None
    if isinstance(pending, AwaitingReflection):
        return f"{REFLECTION_PREFIX}{pending.delivery_id}"
    if isinstance(pending, AwaitingTrainer):
        return TRAINER_MARK
    return f"{pending.field}:{pending.flow}"


def decode_pending(raw: str | None) -> Pending | None:
    """Read the stored value back; anything unreadable means nothing is pending."""
    head, _, tail = (raw or "").partition(":")
    if head == "reflection" and tail.isdigit() and 0 < int(tail) <= _MAX_ID:
        return AwaitingReflection(int(tail))
    if raw == TRAINER_MARK:
        return AwaitingTrainer()
    if head in _FIELDS and tail in _FLOWS:
        return AwaitingSetting(head, tail)  # type: ignore[arg-type]
    return None
