"""Keyword-only queries for trainers, groups, plans, themes, broadcasts and group aggregates."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, or_, update
from sqlalchemy.dialects import sqlite
from sqlmodel import Session, col, select

from bot.domain import delivery as delivery_state
from bot.domain.model import Dimension
from bot.domain.programme import GroupCalendar, PlanWeek
from bot.storage.dialects import postgresql_insert
from bot.storage.models import (
    Broadcast,
    CareGroup,
    Carer,
    GroupInvite,
    GroupMember,
    GroupTheme,
    GroupWeekReport,
    Plan,
    PromptDelivery,
    Reflection,
    Trainer,
    TrainerInvite,
)
from bot.storage.repositories import BROADCAST, USED_STATUSES


def active_trainer(*, session: Session, telegram_user_id: int) -> Trainer | None:
    """Return the trainer behind a Telegram user, unless an admin removed them."""
    return session.exec(
        select(Trainer)
        .where(Trainer.telegram_user_id == telegram_user_id)
        .where(col(Trainer.removed_at).is_(None))
    ).first()


def trainer_by_user(*, session: Session, telegram_user_id: int) -> Trainer | None:
    """Return the trainer row of a user, removed or not."""
    return session.exec(
        select(Trainer).where(Trainer.telegram_user_id == telegram_user_id)
    ).first()


def unclaimed_trainer(*, session: Session, username: str) -> Trainer | None:
    """Return a trainer an admin added by @username who has not opened the bot yet."""
    return session.exec(
        select(Trainer)
        .where(col(Trainer.username) == username.casefold())
        .where(col(Trainer.telegram_user_id).is_(None))
        .where(col(Trainer.removed_at).is_(None))
    ).first()


def list_trainers(*, session: Session) -> list[Trainer]:
    """Return every trainer, newest last."""
    return list(session.exec(select(Trainer).order_by(col(Trainer.id))).all())


def trainer_groups(*, session: Session, trainer_id: int) -> list[CareGroup]:
    """Return a trainer's groups, open ones first."""
    return list(
        session.exec(
            select(CareGroup)
            .where(CareGroup.trainer_id == trainer_id)
            .order_by(col(CareGroup.archived_at).is_not(None), col(CareGroup.id))
        ).all()
    )


def member_count(*, session: Session, group_id: int) -> int:
    """Count a group's current onboarded members."""
    statement = (
        select(func.count())
        .select_from(GroupMember)
        .join(Carer, col(Carer.id) == col(GroupMember.carer_id))
        .where(GroupMember.group_id == group_id, col(Carer.onboarded_at).is_not(None))
        .where(col(GroupMember.left_at).is_(None))
    )
    return int(session.exec(statement).one())


def members_during(
    *, session: Session, group_id: int, start: datetime, end: datetime
) -> list[tuple[int, datetime, datetime | None]]:
    """Return (carer, joined, left) of onboarded carers who were members at some point."""
    rows = session.exec(
        select(GroupMember.carer_id, GroupMember.joined_at, GroupMember.left_at)
        .join(Carer, col(Carer.id) == col(GroupMember.carer_id))
        .where(GroupMember.group_id == group_id, col(Carer.onboarded_at).is_not(None))
        .where(col(GroupMember.joined_at) < end)
        .where(or_(col(GroupMember.left_at).is_(None), col(GroupMember.left_at) > start))
    ).all()
    return [(carer, joined, left) for carer, joined, left in rows]


def active_members(*, session: Session, group_id: int) -> list[Carer]:
    """Return the group's carers who receive messages (onboarded, not paused)."""
    return list(
        session.exec(
            select(Carer)
            .join(GroupMember, col(GroupMember.carer_id) == col(Carer.id))
            .where(GroupMember.group_id == group_id, col(GroupMember.left_at).is_(None))
            .where(col(Carer.onboarded_at).is_not(None), col(Carer.paused).is_(False))
        ).all()
    )


def membership(*, session: Session, group_id: int, carer_id: int) -> GroupMember | None:
    """Return a carer's membership of a group, if any."""
    return session.exec(
        select(GroupMember).where(
            GroupMember.group_id == group_id, GroupMember.carer_id == carer_id
        )
    ).first()


def carer_groups(*, session: Session, carer_id: int) -> list[tuple[GroupMember, CareGroup]]:
    """Return a carer's memberships with their groups, newest first."""
    rows = session.exec(
        select(GroupMember, CareGroup)
        .join(CareGroup, col(CareGroup.id) == col(GroupMember.group_id))
        .where(GroupMember.carer_id == carer_id, col(GroupMember.left_at).is_(None))
        .order_by(col(GroupMember.joined_at).desc(), col(GroupMember.id).desc())
    ).all()
    return [(member, group) for member, group in rows]


def invite_by_code(*, session: Session, code: str) -> GroupInvite | None:
    """Return a group invite by its code."""
    return session.exec(select(GroupInvite).where(GroupInvite.code == code)).first()


def live_invite(*, session: Session, group_id: int) -> GroupInvite | None:
    """Return the group's newest invite that has not been revoked."""
    return session.exec(
        select(GroupInvite)
        .where(GroupInvite.group_id == group_id, col(GroupInvite.revoked_at).is_(None))
        .order_by(col(GroupInvite.id).desc())
    ).first()


def revoke_invites(*, session: Session, group_id: int, now: datetime) -> None:
    """Revoke every live invite of a group."""
    session.execute(
        update(GroupInvite)
        .where(col(GroupInvite.group_id) == group_id, col(GroupInvite.revoked_at).is_(None))
        .values(revoked_at=now)
    )


def count_use(*, session: Session, invite_id: int) -> bool:
    """Count one use of an invite, only while under its cap (race-safe); False when full."""
    result = session.execute(
        update(GroupInvite)
        .where(col(GroupInvite.id) == invite_id)
        .where(
            col(GroupInvite.max_uses).is_(None) | (col(GroupInvite.uses) < GroupInvite.max_uses)
        )
        .values(uses=col(GroupInvite.uses) + 1)
    )
    return int(result.rowcount) == 1  # type: ignore[attr-defined]


def visible_plans(*, session: Session, trainer_id: int) -> list[Plan]:
    """Return shipped plans and the trainer's own."""
    return list(
        session.exec(
            select(Plan)
            .where(col(Plan.trainer_id).is_(None) | (col(Plan.trainer_id) == trainer_id))
            .order_by(col(Plan.trainer_id).is_not(None), col(Plan.id))
        ).all()
    )


def shipped_plan(*, session: Session, key: str) -> Plan | None:
    """Return a shipped plan by key."""
    return session.exec(select(Plan).where(Plan.key == key)).first()


def group_themes(*, session: Session, group_ids: Sequence[int]) -> dict[int, dict[int, PlanWeek]]:
    """Return the trainers' own week themes of some groups."""
    themes: dict[int, dict[int, PlanWeek]] = defaultdict(dict)
    if not group_ids:
        return themes
    for row in session.exec(select(GroupTheme).where(col(GroupTheme.group_id).in_(group_ids))):
        themes[row.group_id][row.week] = PlanWeek(
            Dimension(row.dimension) if row.dimension else None, row.note
        )
    return themes


def theme_row(*, session: Session, group_id: int, week: int) -> GroupTheme | None:
    """Return the trainer's own theme for one week of a group."""
    return session.exec(
        select(GroupTheme).where(GroupTheme.group_id == group_id, GroupTheme.week == week)
    ).first()


def calendars_for(*, session: Session, carer_ids: Sequence[int]) -> dict[int, list[GroupCalendar]]:
    """Return, per carer, the calendars of the open groups they belong to (two statements)."""
    if not carer_ids:
        return {}
    rows = session.exec(
        select(GroupMember, CareGroup, Plan)
        .join(CareGroup, col(CareGroup.id) == col(GroupMember.group_id))
        .outerjoin(Plan, col(Plan.id) == col(CareGroup.plan_id))
        .where(col(GroupMember.carer_id).in_(carer_ids), col(CareGroup.archived_at).is_(None))
        .where(col(GroupMember.left_at).is_(None))
    ).all()
    if not rows:
        return {}
    themes = group_themes(session=session, group_ids=list({g.id for _m, g, _p in rows if g.id}))
    calendars: dict[int, list[GroupCalendar]] = defaultdict(list)
    for member, group, plan in rows:
        assert group.id is not None
        calendars[member.carer_id].append(
            GroupCalendar(
                group_id=group.id,
                start=group.start_date,
                joined_at=member.joined_at,
                weeks=plan_weeks(plan.weeks) if plan else (),
                overrides=themes.get(group.id, {}),
            )
        )
    return calendars


def plan_weeks(raw: str) -> tuple[PlanWeek, ...]:
    """Decode a plan's stored weeks."""
    return tuple(
        PlanWeek(Dimension(week["dimension"]) if week.get("dimension") else None, week["note"])
        for week in json.loads(raw)
    )


def encode_weeks(weeks: Sequence[PlanWeek]) -> str:
    """Encode a plan's weeks for storage."""
    return json.dumps(
        [{"dimension": w.dimension.value if w.dimension else None, "note": w.note} for w in weeks],
        ensure_ascii=False,
    )


def latest_prompt_due(*, session: Session, carer_ids: Sequence[int]) -> dict[int, datetime]:
    """Return each carer's latest planned prompt time (any outcome; messages excluded)."""
    rows = session.exec(
        select(PromptDelivery.carer_id, func.max(PromptDelivery.due_at))
        .where(col(PromptDelivery.carer_id).in_(carer_ids), PromptDelivery.kind != BROADCAST)
        .group_by(col(PromptDelivery.carer_id))
    ).all()
    return {carer_id: due for carer_id, due in rows if due is not None}


def prompt_times(
    *, session: Session, carer_ids: Sequence[int], start: datetime, end: datetime
) -> list[tuple[int, datetime]]:
    """When prompts reached each carer in a period (re-sends and messages excluded)."""
    if not carer_ids:
        return []
    rows = session.exec(
        select(PromptDelivery.carer_id, PromptDelivery.sent_at)
        .where(col(PromptDelivery.carer_id).in_(carer_ids))
        .where(col(PromptDelivery.kind).not_in(("snooze", BROADCAST)))
        .where(col(PromptDelivery.status).in_(USED_STATUSES))
        .where(col(PromptDelivery.sent_at) >= start, col(PromptDelivery.sent_at) < end)
    ).all()
    return [(carer, sent) for carer, sent in rows if sent is not None]


def reflection_facts(
    *, session: Session, carer_ids: Sequence[int], start: datetime, end: datetime
) -> list[tuple[int, str | None, str | None, datetime]]:
    """Each reflection's carer, dimension, tone and time in a period; never its text."""
    if not carer_ids:
        return []
    rows = session.exec(
        select(Reflection.carer_id, Reflection.dimension, Reflection.tone, Reflection.created_at)
        .where(col(Reflection.carer_id).in_(carer_ids))
        .where(col(Reflection.created_at) >= start, col(Reflection.created_at) < end)
    ).all()
    return [(c, d, t, at) for c, d, t, at in rows]


def frozen_report(*, session: Session, group_id: int, week: int) -> GroupWeekReport | None:
    """Return a finished week's frozen figures, if already read once."""
    return session.exec(
        select(GroupWeekReport).where(
            GroupWeekReport.group_id == group_id, GroupWeekReport.week == week
        )
    ).first()


def freeze_report(
    *, session: Session, group_id: int, week: int, figures: str, now: datetime
) -> None:
    """Keep a finished week's figures; if another process froze them first, theirs stand."""
    values = {"group_id": group_id, "week": week, "figures": figures, "frozen_at": now}
    table = GroupWeekReport.__table__  # type: ignore[attr-defined]
    statement = (
        postgresql_insert(table).on_conflict_do_nothing(index_elements=["group_id", "week"])
        if session.get_bind().dialect.name == "postgresql"
        else sqlite.insert(table).on_conflict_do_nothing()
    )
    session.execute(statement, [values])


def leave_group(*, session: Session, group_id: int, carer_id: int, now: datetime) -> bool:
    """End a membership from now on; True when there was a current one."""
    result = session.execute(
        update(GroupMember)
        .where(col(GroupMember.group_id) == group_id, col(GroupMember.carer_id) == carer_id)
        .where(col(GroupMember.left_at).is_(None))
        .values(left_at=now)
    )
    return int(result.rowcount) > 0  # type: ignore[attr-defined]


def broadcast_headers(
    *, session: Session, broadcast_ids: Sequence[int]
) -> dict[int, tuple[str, str, str]]:
    """Return (text, group name, trainer name) of some broadcasts, for rendering copies."""
    if not broadcast_ids:
        return {}
    rows = session.exec(
        select(Broadcast.id, Broadcast.text, CareGroup.name, Trainer.display_name)
        .join(CareGroup, col(CareGroup.id) == col(Broadcast.group_id))
        .join(Trainer, col(Trainer.id) == col(CareGroup.trainer_id))
        .where(col(Broadcast.id).in_(broadcast_ids))
    ).all()
    return {b: (text, group, trainer) for b, text, group, trainer in rows if b is not None}


def broadcast_progress(*, session: Session, broadcast_id: int) -> dict[str, int]:
    """Count a broadcast's copies by delivery status."""
    rows = session.exec(
        select(PromptDelivery.status, func.count())
        .where(PromptDelivery.broadcast_id == broadcast_id)
        .group_by(col(PromptDelivery.status))
    ).all()
    return dict(rows)


SENT_STATUSES = (delivery_state.SENT, delivery_state.AMBIGUOUS)


def trainer_invite(*, session: Session, code_hash: str) -> TrainerInvite | None:
    """Return a trainer invite by the hash of its code."""
    return session.exec(select(TrainerInvite).where(TrainerInvite.code_hash == code_hash)).first()


def claim_digest(*, session: Session, trainer_id: int, monday: date) -> bool:
    """Take one Monday's digest for a trainer; False when another process already took it."""
    result = session.execute(
        update(Trainer)
        .where(col(Trainer.id) == trainer_id)
        .where(or_(col(Trainer.last_digest_on).is_(None), col(Trainer.last_digest_on) != monday))
        .values(last_digest_on=monday)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) == 1  # type: ignore[attr-defined]
