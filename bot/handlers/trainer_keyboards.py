"""Inline keyboards for trainers and for a carer's groups; data built by ``callbacks.encode``."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.model import Dimension
from bot.handlers import trainer_texts
from bot.handlers.callbacks import Button, GroupAction, GroupTap, TrainerAction, TrainerTap, encode
from bot.handlers.keyboards import _markup, _rows
from bot.i18n import Translator
from bot.packs.registry import ContentRegistry
from bot.services.trainer_views import (
    BroadcastPreview,
    CarerGroup,
    GroupView,
    Hub,
    JoinPreview,
    PlanScreen,
    PlansScreen,
    ReportScreen,
    ThemeScreen,
)


def _b(label: str, button: Button) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=encode(button))


def _tr(
    label: str, action: TrainerAction, target: int = 0, number: int = 0, value: str = ""
) -> InlineKeyboardButton:
    return _b(label, TrainerTap(action, target, number, value))


def _grp(label: str, action: GroupAction, value: str = "") -> InlineKeyboardButton:
    return _b(label, GroupTap(action, value))


def hub(t: Translator, screen: Hub) -> InlineKeyboardMarkup:
    """Groups first, then new group, plans and settings."""
    labels = trainer_texts.labels(t)
    groups = [_tr(group.name, "group", group.id) for group in screen.groups]
    digest = (
        _tr(labels["digest_off"], "digest", value="off")
        if screen.trainer.digest_enabled
        else _tr(labels["digest_on"], "digest", value="on")
    )
    return _markup(
        t,
        [
            *_rows(groups, 2),
            [_tr(labels["new_group"], "new"), _tr(labels["plans"], "plans")],
            [digest, _tr(labels["timezone"], "tz")],
        ],
    )


def group(t: Translator, view: GroupView) -> InlineKeyboardMarkup:
    """Everything a trainer can do with one group."""
    labels = trainer_texts.labels(t)
    g = view.id
    # Before the start (a plan starting next Monday) only the first week can be set.
    themes = (
        [_tr(labels["next_theme"], "theme", g, 0)]
        if view.week is None
        else [
            _tr(labels["this_theme"], "theme", g, view.week),
            _tr(labels["next_theme"], "theme", g, view.week + 1),
        ]
    )
    week = view.week or 0
    rows = [
        themes,
        [_tr(labels["plan"], "plans", g), _tr(labels["message"], "bcast", g)],
        [_tr(labels["report"], "report", g, week), _tr(labels["qr"], "qr", g)],
        [_tr(labels["new_link"], "link", g), _tr(labels["link_7d"], "link", g, value="7d")],
        [_tr(labels["link_30"], "link", g, value="30u"), _tr(labels["revoke"], "revoke", g)],
        [_tr(labels["rename"], "rename", g), _tr(labels["archive"], "archive", g)],
        [_tr(labels["back"], "hub")],
    ]
    return _markup(t, rows)


def archive_confirm(t: Translator, view: GroupView) -> InlineKeyboardMarkup:
    """Confirm or go back."""
    labels = trainer_texts.labels(t)
    return _markup(
        t,
        [
            [
                _tr(labels["archive_yes"], "archiveok", view.id),
                _tr(labels["back"], "group", view.id),
            ]
        ],
    )


def theme(t: Translator, content: ContentRegistry, screen: ThemeScreen) -> InlineKeyboardMarkup:
    """One button per dimension, a rest week, a note, and back."""
    labels = trainer_texts.labels(t)
    g, week = screen.group.id, screen.week
    choices = [
        _tr(content.dimension_name(d, t.locale), "settheme", g, week, d.value) for d in Dimension
    ]
    choices.append(_tr(labels["rest"], "settheme", g, week, "rest"))
    return _markup(
        t,
        [
            *_rows(choices, 2),
            [_tr(labels["note"], "note", g, week), _tr(labels["back"], "group", g)],
        ],
    )


def plans(t: Translator, screen: PlansScreen) -> InlineKeyboardMarkup:
    """Each plan; with a group, each plan can start this week or next."""
    labels = trainer_texts.labels(t)
    rows: list[list[InlineKeyboardButton]] = []
    for plan in screen.plans:
        name = trainer_texts.plan_name(t, plan)
        if screen.group is None:
            rows.append([_tr(name, "plan", plan.id)])
            continue
        g = screen.group.id
        rows.append([_tr(name, "plan", plan.id)])
        rows.append(
            [
                _tr(labels["start_now"], "assign", g, plan.id, "now"),
                _tr(labels["start_next"], "assign", g, plan.id, "next"),
            ]
        )
    back = (
        _tr(labels["back"], "group", screen.group.id)
        if screen.group
        else _tr(labels["back"], "hub")
    )
    return _markup(t, [*rows, [back]])


def plan(t: Translator, content: ContentRegistry, screen: PlanScreen) -> InlineKeyboardMarkup:
    """An own plan: tap a week to change its theme; notes; add or drop weeks; copy any plan."""
    labels = trainer_texts.labels(t)
    p = screen.plan
    rows: list[list[InlineKeyboardButton]] = []
    if p.own:
        for index, week in enumerate(p.weeks):
            theme = trainer_texts.week_theme(t, content, week)
            number = trainer_texts.week_number(t, index)
            rows.append(
                [
                    _tr(f"{number}: {theme}", "pcycle", p.id, index),
                    _tr(labels["note"], "pnote", p.id, index),
                ]
            )
        rows.append(
            [_tr(labels["add_week"], "padd", p.id), _tr(labels["drop_week"], "pdrop", p.id)]
        )
        rows.append([_tr(labels["rename_plan"], "pname", p.id)])
    rows.append([_tr(labels["copy"], "copy", p.id), _tr(labels["back"], "plans")])
    return _markup(t, rows)


def broadcast(t: Translator, screen: BroadcastPreview) -> InlineKeyboardMarkup:
    """Send or cancel a draft."""
    labels = trainer_texts.labels(t)
    return _markup(
        t,
        [
            [
                _tr(labels["send"], "bsend", screen.broadcast_id),
                _tr(labels["cancel"], "bcancel", screen.group.id),
            ]
        ],
    )


def report(t: Translator, screen: ReportScreen) -> InlineKeyboardMarkup:
    """Move between weeks; back to the group."""
    labels = trainer_texts.labels(t)
    g = screen.group.id
    row = []
    if screen.week > 0:
        row.append(_tr(labels["earlier"], "report", g, screen.week - 1))
    if screen.group.week is not None and screen.week < screen.group.week:
        row.append(_tr(labels["later"], "report", g, screen.week + 1))
    return _markup(
        t, [row, [_tr(labels["back"], "group", g)]] if row else [[_tr(labels["back"], "group", g)]]
    )


def back_to(t: Translator, group_id: int | None) -> InlineKeyboardMarkup:
    """A single Back button."""
    labels = trainer_texts.labels(t)
    back = _tr(labels["back"], "group", group_id) if group_id else _tr(labels["back"], "hub")
    return _markup(t, [[back]])


def join(t: Translator, preview: JoinPreview) -> InlineKeyboardMarkup | None:
    """Join with one tap, or not now."""
    if preview.already_member:
        return None
    labels = trainer_texts.labels(t)
    return _markup(
        t, [[_grp(labels["join"], "join", preview.code), _grp(labels["not_now"], "no")]]
    )


def my_groups(t: Translator, groups: list[CarerGroup]) -> InlineKeyboardMarkup | None:
    """A Leave button per group."""
    if not groups:
        return None
    labels = trainer_texts.labels(t)
    return _markup(
        t,
        [
            [_grp(labels["leave"].format(group=group.name), "leave", str(group.id))]
            for group in groups
        ],
    )


def leave_confirm(t: Translator, group_id: int) -> InlineKeyboardMarkup:
    """Confirm leaving."""
    labels = trainer_texts.labels(t)
    return _markup(
        t, [[_grp(labels["leave_yes"], "leaveok", str(group_id)), _grp(labels["keep"], "list")]]
    )
