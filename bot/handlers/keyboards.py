"""Inline keyboards and their callback data ("<feature>:<action>[:<arg>]"), built here only."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time as time_of_day

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.model import AgeBand, Role
from bot.handlers import texts
from bot.i18n import Translator
from bot.services.views import CarerView

ONBOARDING = "ob"
SETTINGS = "set"
TIME_CHOICES = ("07:30", "09:00", "12:30", "17:00", "19:30", "21:00")
SUGGESTED_TIMEZONES = {
    "en": (
        "Europe/London",
        "Europe/Dublin",
        "America/New_York",
        "America/Chicago",
        "America/Los_Angeles",
        "Australia/Sydney",
        "Pacific/Auckland",
    ),
    "es": (
        "Europe/Madrid",
        "Atlantic/Canary",
        "America/Mexico_City",
        "America/Bogota",
        "America/Argentina/Buenos_Aires",
        "America/Santiago",
        "America/Lima",
    ),
}


@dataclass(frozen=True)
class Callback:
    """Parsed callback data."""

    feature: str
    action: str
    arg: str = ""


def encode(feature: str, action: str, arg: str | int = "") -> str:
    """Build callback data; Telegram allows 64 bytes."""
    data = f"{feature}:{action}:{arg}" if arg != "" else f"{feature}:{action}"
    assert len(data.encode()) <= 64, data
    return data


def decode(data: str) -> Callback:
    """Parse callback data built by ``encode``; the argument may itself contain colons."""
    feature, _, rest = data.partition(":")
    action, _, arg = rest.partition(":")
    return Callback(feature, action, arg)


def _rows(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


def config_feature(flow: str) -> str:
    """Name the callback feature of a configuration flow."""
    return f"cfg{flow}"


def _options(
    feature: str, action: str, options: Iterable[tuple[str, str]]
) -> list[InlineKeyboardButton]:
    """Build one button per (label, value) pair."""
    return [_button(label, encode(feature, action, value)) for label, value in options]


def languages(flow: str, locales: tuple[str, ...]) -> InlineKeyboardMarkup:
    """Offer every shipped language, each in its own name."""
    names = ((texts.LANGUAGE_NAMES.get(loc, loc), loc) for loc in locales)
    return InlineKeyboardMarkup(_rows(_options(config_feature(flow), "lang", names), 2))


def roles(t: Translator, flow: str) -> InlineKeyboardMarkup:
    """Offer the four roles."""
    labels = ((texts.role_label(t, role), role.value) for role in Role)
    return InlineKeyboardMarkup(_rows(_options(config_feature(flow), "role", labels), 2))


def age_bands(t: Translator, flow: str) -> InlineKeyboardMarkup:
    """Offer the age bands."""
    labels = ((texts.age_band_label(t, band), band.value) for band in AgeBand)
    return InlineKeyboardMarkup(_rows(_options(config_feature(flow), "age", labels), 2))


def weekdays(t: Translator, flow: str, view: CarerView) -> InlineKeyboardMarkup:
    """Offer the seven days as toggles, ticked when chosen, with Done."""
    feature = config_feature(flow)
    days = [
        _button(
            ("✓ " if day in view.weekdays else "") + t.weekday(day, "abbreviated"),
            encode(feature, "day", day),
        )
        for day in range(7)
    ]
    done = _button(texts.button_labels(t)["done"], encode(feature, "days", "done"))
    return InlineKeyboardMarkup([*_rows(days, 4), [done]])


def times(t: Translator, flow: str) -> InlineKeyboardMarkup:
    """Offer common times and a typed one."""
    feature = config_feature(flow)
    choices = [
        _button(t.time(time_of_day.fromisoformat(value)), encode(feature, "time", value))
        for value in TIME_CHOICES
    ]
    typed = _button(texts.button_labels(t)["type_time"], encode(feature, "time", "type"))
    return InlineKeyboardMarkup([*_rows(choices, 3), [typed]])


def timezones(t: Translator, flow: str) -> InlineKeyboardMarkup:
    """Offer a short list of zones for the carer's language and a typed one."""
    feature = config_feature(flow)
    zones = SUGGESTED_TIMEZONES.get(t.locale, SUGGESTED_TIMEZONES["en"])
    choices = [
        _button(zone.split("/")[-1].replace("_", " "), encode(feature, "tz", zone))
        for zone in zones
    ]
    typed = _button(texts.button_labels(t)["type_timezone"], encode(feature, "tz", "type"))
    return InlineKeyboardMarkup([*_rows(choices, 2), [typed]])


def privacy(t: Translator) -> InlineKeyboardMarkup:
    """Offer the button that ends onboarding."""
    return InlineKeyboardMarkup(
        [
            [
                _button(
                    texts.button_labels(t)["privacy_ok"],
                    encode(config_feature(ONBOARDING), "privacy", "ok"),
                )
            ]
        ]
    )


def settings_menu(t: Translator) -> InlineKeyboardMarkup:
    """Offer one button per setting."""
    labels = texts.button_labels(t)
    feature = config_feature(SETTINGS)
    fields = ("language", "role", "ages", "days", "time", "timezone")
    return InlineKeyboardMarkup(
        _rows([_button(labels[field], encode(feature, "ask", field)) for field in fields], 3)
    )


def prompt_actions(t: Translator, delivery_id: int) -> InlineKeyboardMarkup:
    """Offer answer, snooze and skip under a prompt."""
    labels = texts.button_labels(t)
    return InlineKeyboardMarkup(
        [
            [_button(labels["answer"], encode("prompt", "answer", delivery_id))],
            [
                _button(labels["later"], encode("prompt", "later", delivery_id)),
                _button(labels["tomorrow"], encode("prompt", "tomorrow", delivery_id)),
                _button(labels["skip"], encode("prompt", "skip", delivery_id)),
            ],
        ]
    )


def journal_pager(t: Translator, page: int, pages: int) -> InlineKeyboardMarkup | None:
    """Offer older/newer buttons where there are more pages."""
    labels = texts.button_labels(t)
    buttons = []
    if page + 1 < pages:
        buttons.append(_button(labels["older"], encode("journal", "page", page + 1)))
    if page > 0:
        buttons.append(_button(labels["newer"], encode("journal", "page", page - 1)))
    return InlineKeyboardMarkup([buttons]) if buttons else None


def forget_confirmation(t: Translator) -> InlineKeyboardMarkup:
    """Ask for explicit confirmation before deleting."""
    labels = texts.button_labels(t)
    return InlineKeyboardMarkup(
        [
            [
                _button(labels["forget_yes"], encode("forget", "confirm")),
                _button(labels["forget_no"], encode("forget", "cancel")),
            ]
        ]
    )
