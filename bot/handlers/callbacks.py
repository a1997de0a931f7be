"""Typed inline-button data: built by ``encode``, read back only through ``decode``.

Telegram returns callback data exactly as the bot sent it, but a client can forge any
string, and buttons from older versions of the bot stay on screen forever, so every tap
is parsed into one of these values or refused as an expired button.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from typing import Literal, get_args

from bot.domain.errors import ButtonExpiredError
from bot.domain.model import AgeBand, Dimension, Role
from bot.domain.pending import Flow

ConfigAction = Literal["lang", "role", "age", "day", "days", "time", "tz", "ask", "privacy"]
PromptAction = Literal["answer", "later", "tomorrow", "skip"]
SettingName = Literal["language", "role", "ages", "days", "time", "timezone"]
TYPED = "type"  # the value of "Type a time" / "Type a timezone"
MAX_DATA_BYTES = 64
_MAX_ID = 2**63 - 1
_MAX_PAGE = 100_000
_LOCALE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]{2,8})?$")
_ZONE = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$")


@dataclass(frozen=True)
class ConfigTap:
    """A tap in onboarding ("ob") or settings ("set"): one answer, or which question to ask."""

    flow: Flow
    action: ConfigAction
    value: str = ""


@dataclass(frozen=True)
class PromptTap:
    """Answer, Later today, Tomorrow or Skip under one delivered prompt."""

    action: PromptAction
    delivery_id: int


@dataclass(frozen=True)
class JournalTap:
    """Older or Newer under a journal page."""

    page: int


@dataclass(frozen=True)
class ForgetTap:
    """The carer's answer to 'Delete everything?'."""

    confirm: bool


TrainerAction = Literal[
    "hub", "new", "group", "rename", "archive", "archiveok", "link", "revoke", "qr",
    "theme", "settheme", "note", "plans", "plan", "assign", "copy", "pcycle", "padd",
    "pdrop", "pnote", "pname", "bcast", "bsend", "bcancel", "report", "digest", "tz",
]  # fmt: skip
GroupAction = Literal["join", "no", "leave", "leaveok", "list"]
_THEMES = {*(d.value for d in Dimension), "rest"}
_TRAINER_VALUES: dict[str, set[str]] = {
    "link": {"", "7d", "30u"},
    "settheme": _THEMES,
    "assign": {"now", "next"},
    "digest": {"on", "off"},
}
_CODE = re.compile(r"^g_[A-Za-z0-9_-]{8,30}$")


@dataclass(frozen=True)
class TrainerTap:
    """A trainer's tap: an action on a group (or plan, or draft) by id, a week, a value."""

    action: TrainerAction
    target: int = 0
    number: int = 0
    value: str = ""


@dataclass(frozen=True)
class GroupTap:
    """A carer's tap about groups: join by link code, leave a group."""

    action: GroupAction
    value: str = ""


Button = ConfigTap | PromptTap | JournalTap | ForgetTap | TrainerTap | GroupTap


def encode(button: Button) -> str:
    """Render a button's callback data; Telegram allows 64 bytes."""
    data = _render(button)
    if len(data.encode()) > MAX_DATA_BYTES:
        raise ValueError(f"callback data longer than {MAX_DATA_BYTES} bytes: {data!r}")
    return data


def _render(button: Button) -> str:
    if isinstance(button, ConfigTap):
        return f"cfg{button.flow}:{button.action}" + (f":{button.value}" if button.value else "")
    if isinstance(button, PromptTap):
        return f"prompt:{button.action}:{button.delivery_id}"
    if isinstance(button, JournalTap):
        return f"journal:page:{button.page}"
    if isinstance(button, TrainerTap):
        return f"tr:{button.action}:{button.target}:{button.number}:{button.value}"
    if isinstance(button, GroupTap):
        return f"grp:{button.action}:{button.value}"
    return f"forget:{'confirm' if button.confirm else 'cancel'}"


def decode(data: str | None) -> Button:
    """Parse callback data into a typed button, or raise ButtonExpiredError."""
    parts = (data or "").split(":", 2)
    feature, action = parts[0], parts[1] if len(parts) > 1 else ""
    value = parts[2] if len(parts) > 2 else ""
    if feature in ("cfgob", "cfgset"):
        return _config(feature.removeprefix("cfg"), action, value)
    if feature == "prompt" and action in get_args(PromptAction):
        return PromptTap(action, _bounded_int(value, 1, _MAX_ID))  # type: ignore[arg-type]
    if feature == "journal" and action == "page":
        return JournalTap(_bounded_int(value, 0, _MAX_PAGE))
    if feature == "forget" and action in ("confirm", "cancel") and not value:
        return ForgetTap(confirm=action == "confirm")
    if feature == "tr" and action in get_args(TrainerAction):
        return _trainer(action, value)
    if feature == "grp" and action in get_args(GroupAction):
        return _group(action, value)
    raise ButtonExpiredError()


def _trainer(action: str, rest: str) -> TrainerTap:
    """Read ``target:number:value``; ids and weeks are bounded, values come from a fixed set."""
    parts = rest.split(":")
    if len(parts) != 3:
        raise ButtonExpiredError()
    target, number = _bounded_int(parts[0], 0, _MAX_ID), _bounded_int(parts[1], 0, 1000)
    allowed = _TRAINER_VALUES.get(action, {""})
    if parts[2] not in allowed:
        raise ButtonExpiredError()
    return TrainerTap(action, target, number, parts[2])  # type: ignore[arg-type]


def _group(action: str, value: str) -> GroupTap:
    """A join carries a link code; leaving carries a group id; the list carries nothing."""
    if action == "join" and _CODE.match(value):
        return GroupTap("join", value)
    if action in ("leave", "leaveok"):
        _bounded_int(value, 1, _MAX_ID)
        return GroupTap(action, value)  # type: ignore[arg-type]
    if action in ("no", "list") and not value:
        return GroupTap(action)  # type: ignore[arg-type]
    raise ButtonExpiredError()


def _config(flow: str, action: str, value: str) -> ConfigTap:
    """Accept only values some keyboard of the bot could have offered."""
    if action not in get_args(ConfigAction) or not _VALID_VALUE[action](value):
        raise ButtonExpiredError()
    return ConfigTap(flow, action, value)  # type: ignore[arg-type]


def _bounded_int(text: str, low: int, high: int) -> int:
    """Read a decimal id or page number that fits the database's 64-bit columns."""
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        raise ButtonExpiredError()
    number = int(text)
    if not low <= number <= high:
        raise ButtonExpiredError()
    return number


def _is_time(value: str) -> bool:
    """A button time is exactly HH:MM."""
    try:
        return len(value) == 5 and time.fromisoformat(value) is not None
    except ValueError:
        return False


_VALID_VALUE = {
    "lang": lambda v: bool(_LOCALE.match(v)),
    "role": lambda v: v in {r.value for r in Role},
    "age": lambda v: v in {a.value for a in AgeBand},
    "day": lambda v: v.isascii() and v.isdigit() and len(v) == 1 and int(v) < 7,
    "days": lambda v: v == "done",
    "time": lambda v: v == TYPED or _is_time(v),
    "tz": lambda v: v == TYPED or bool(_ZONE.match(v)),
    "ask": lambda v: v in get_args(SettingName),
    "privacy": lambda v: v == "ok",
}
