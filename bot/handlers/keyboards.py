"""Inline keyboards; their callback data is built by ``callbacks.encode`` only."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time as time_of_day

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.model import AgeBand, Role
from bot.domain.pending import Flow
from bot.handlers import texts
from bot.handlers.callbacks import (
    TYPED,
    Button,
    ConfigAction,
    ConfigTap,
    ForgetTap,
    JournalTap,
    PromptTap,
    encode,
)
from bot.i18n import Translator
from bot.services.views import CarerView

ONBOARDING: Flow = "ob"
SETTINGS: Flow = "set"
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
    "fr": ("Europe/Paris", "Europe/Brussels", "Europe/Zurich", "America/Toronto"),
    "it": ("Europe/Rome", "Europe/Zurich"),
    "sv": ("Europe/Stockholm", "Europe/Helsinki"),
    "nb": ("Europe/Oslo",),
    "uk": ("Europe/Kyiv", "Europe/Warsaw", "Europe/Berlin", "Europe/Prague", "Europe/London"),
    "ar": ("Asia/Baghdad", "Asia/Amman", "Asia/Riyadh", "Asia/Dubai", "Africa/Cairo"),
    "ckb": ("Asia/Baghdad", "Europe/Berlin", "Europe/Stockholm", "Europe/London"),
    "zh": ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Singapore", "Australia/Sydney"),
}


def _rows(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def _button(label: str, button: Button) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=encode(button))


def _options(
    flow: Flow, action: ConfigAction, options: Iterable[tuple[str, str]]
) -> list[InlineKeyboardButton]:
    """Build one button per (label, value) pair."""
    return [_button(label, ConfigTap(flow, action, value)) for label, value in options]


def _markup(t: Translator, rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    """Lay rows out for the reader: right-to-left readers start a row from the right."""
    return InlineKeyboardMarkup([row[::-1] for row in rows] if t.rtl else rows)


def languages(flow: Flow, locales: tuple[str, ...]) -> InlineKeyboardMarkup:
    """Offer every shipped language, each in its own name."""
    names = ((texts.language_name(loc), loc) for loc in locales)
    return InlineKeyboardMarkup(_rows(_options(flow, "lang", names), 2))


def roles(t: Translator, flow: Flow) -> InlineKeyboardMarkup:
    """Offer the four roles."""
    labels = ((texts.role_label(t, role), role.value) for role in Role)
    return _markup(t, _rows(_options(flow, "role", labels), 2))


def age_bands(t: Translator, flow: Flow) -> InlineKeyboardMarkup:
    """Offer the age bands."""
    labels = ((texts.age_band_label(t, band), band.value) for band in AgeBand)
    return _markup(t, _rows(_options(flow, "age", labels), 2))


def weekdays(t: Translator, flow: Flow, view: CarerView) -> InlineKeyboardMarkup:
    """Offer the seven days as toggles, ticked when chosen, with Done."""
    days = [
        _button(
            ("✓ " if day in view.weekdays else "") + t.weekday(day, "abbreviated"),
            ConfigTap(flow, "day", str(day)),
        )
        for day in range(7)
    ]
    done = _button(texts.button_labels(t)["done"], ConfigTap(flow, "days", "done"))
    return _markup(t, [*_rows(days, 4), [done]])


def times(t: Translator, flow: Flow) -> InlineKeyboardMarkup:
    """Offer common times and a typed one."""
    choices = [
        _button(t.time(time_of_day.fromisoformat(value)), ConfigTap(flow, "time", value))
        for value in TIME_CHOICES
    ]
    typed = _button(texts.button_labels(t)["type_time"], ConfigTap(flow, "time", TYPED))
    return _markup(t, [*_rows(choices, 3), [typed]])


def timezones(t: Translator, flow: Flow) -> InlineKeyboardMarkup:
    """Offer a short list of zones for the carer's language and a typed one."""
    zones = SUGGESTED_TIMEZONES.get(t.locale, SUGGESTED_TIMEZONES["en"])
    choices = [_button(t.zone_name(zone), ConfigTap(flow, "tz", zone)) for zone in zones]
    typed = _button(texts.button_labels(t)["type_timezone"], ConfigTap(flow, "tz", TYPED))
    return _markup(t, [*_rows(choices, 2), [typed]])


def privacy(t: Translator) -> InlineKeyboardMarkup:
    """Offer the button that ends onboarding."""
    return _markup(
        t,
        [
            [
                _button(
                    texts.button_labels(t)["privacy_ok"],
                    ConfigTap(ONBOARDING, "privacy", "ok"),
                )
            ]
        ],
    )


def settings_menu(t: Translator) -> InlineKeyboardMarkup:
    """Offer one button per setting."""
    labels = texts.button_labels(t)
    fields = ("language", "role", "ages", "days", "time", "timezone")
    return _markup(
        t,
        _rows([_button(labels[field], ConfigTap(SETTINGS, "ask", field)) for field in fields], 3),
    )


def prompt_actions(t: Translator, delivery_id: int) -> InlineKeyboardMarkup:
    """Offer answer, snooze and skip under a prompt."""
    labels = texts.button_labels(t)
    return _markup(
        t,
        [
            [_button(labels["answer"], PromptTap("answer", delivery_id))],
            [
                _button(labels["later"], PromptTap("later", delivery_id)),
                _button(labels["tomorrow"], PromptTap("tomorrow", delivery_id)),
                _button(labels["skip"], PromptTap("skip", delivery_id)),
            ],
        ],
    )


def journal_pager(t: Translator, page: int, pages: int) -> InlineKeyboardMarkup | None:
    """Offer older/newer buttons where there are more pages."""
    labels = texts.button_labels(t)
    buttons = []
    if page + 1 < pages:
        buttons.append(_button(labels["older"], JournalTap(page + 1)))
    if page > 0:
        buttons.append(_button(labels["newer"], JournalTap(page - 1)))
    return _markup(t, [buttons]) if buttons else None


def forget_confirmation(t: Translator) -> InlineKeyboardMarkup:
    """Ask for explicit confirmation before deleting."""
    labels = texts.button_labels(t)
    return _markup(
        t,
        [
            [
                _button(labels["forget_yes"], ForgetTap(confirm=True)),
                _button(labels["forget_no"], ForgetTap(confirm=False)),
            ]
        ],
    )
