"""A carer's side of groups: see a group before joining, join with one tap, see and leave."""

from __future__ import annotations

from datetime import datetime

from bot.domain.errors import GroupNotFoundError, InviteInvalidError
from bot.domain.programme import GroupCalendar, local_day, theme_for
from bot.domain.schedule import resolve_timezone
from bot.i18n import Catalogs
from bot.ports import Clock
from bot.services.carers import carer_for
from bot.services.trainer_views import CarerGroup, JoinPreview
from bot.services.views import CarerView
from bot.storage import repositories as repo
from bot.storage import trainer_repo as trepo
from bot.storage.db import Database, Session
from bot.storage.models import CareGroup, Carer, GroupInvite, GroupMember, Plan, Trainer


class MembershipService:
    """Join, list and leave groups; a carer's groups are theirs to see and end."""

    def __init__(self, db: Database, clock: Clock, catalogs: Catalogs) -> None:
        """Wire storage, time and the language negotiation used for new carers."""
        self._db = db
        self._clock = clock
        self._catalogs = catalogs

    async def preview(
        self, code: str, *, user_id: int, chat_id: int, language_code: str | None
    ) -> tuple[CarerView, JoinPreview]:
        """Show the group behind a link; a first-time user becomes a carer (not yet onboarded)."""
        now = self._clock.now()

        def work(session: Session) -> tuple[CarerView, JoinPreview]:
            carer = carer_for(
                session,
                telegram_user_id=user_id,
                chat_id=chat_id,
                locale=self._catalogs.negotiate(language_code),
            )
            invite, group, trainer = _usable(session, code, now)
            return CarerView.of(carer), self._preview(session, carer, invite, group, trainer)

        return await self._db.run(work)

    async def join(self, code: str, *, user_id: int) -> tuple[CarerView, JoinPreview]:
        """Join the group behind a link, once; a capped link counts the use."""
        now = self._clock.now()

        def work(session: Session) -> tuple[CarerView, JoinPreview]:
            carer = repo.get_carer_by_telegram_id(session=session, telegram_user_id=user_id)
            if carer is None or carer.id is None:
                raise InviteInvalidError()
            invite, group, trainer = _usable(session, code, now)
            assert group.id is not None and invite.id is not None
            member = trepo.membership(session=session, group_id=group.id, carer_id=carer.id)
            if member is None or member.left_at is not None:
                if not trepo.count_use(session=session, invite_id=invite.id):
                    raise InviteInvalidError()
                if member is None:
                    member = GroupMember(group_id=group.id, carer_id=carer.id, joined_at=now)
                    session.add(member)
                member.joined_at, member.left_at = now, None  # back again: counts from now
                session.flush()
            return CarerView.of(carer), self._preview(session, carer, invite, group, trainer)

        return await self._db.run(work)

    async def groups(self, user_id: int) -> tuple[CarerView | None, list[CarerGroup]]:
        """List the carer's groups, saying whose theme their prompts follow this week."""
        now = self._clock.now()

        def work(session: Session) -> tuple[CarerView | None, list[CarerGroup]]:
            carer = repo.get_carer_by_telegram_id(session=session, telegram_user_id=user_id)
            if carer is None or carer.id is None:
                return None, []
            return CarerView.of(carer), self._groups(session, carer, now)

        return await self._db.run(work)

    async def leave(self, user_id: int, group_id: int) -> tuple[CarerView, list[CarerGroup]]:
        """Leave a group at once: no more themes or messages from it, and no more counting."""
        now = self._clock.now()

        def work(session: Session) -> tuple[CarerView, list[CarerGroup]]:
            carer = repo.get_carer_by_telegram_id(session=session, telegram_user_id=user_id)
            if carer is None or carer.id is None:
                raise GroupNotFoundError()
            if not trepo.leave_group(
                session=session, group_id=group_id, carer_id=carer.id, now=now
            ):
                raise GroupNotFoundError()
            return CarerView.of(carer), self._groups(session, carer, now)

        return await self._db.run(work)

    def _preview(
        self,
        session: Session,
        carer: Carer,
        invite: GroupInvite,
        group: CareGroup,
        trainer: Trainer,
    ) -> JoinPreview:
        assert group.id is not None and carer.id is not None
        day = local_day(self._clock.now(), resolve_timezone(carer.timezone or "UTC"))
        calendar = _group_calendar(session, group, self._clock.now())
        return JoinPreview(
            group_id=group.id,
            code=invite.code,
            group_name=group.name,
            trainer_name=trainer.display_name,
            week=calendar.week_index(day),
            this_week=calendar.week(day),
            already_member=_is_member(session, group.id, carer.id),
        )

    def _groups(self, session: Session, carer: Carer, now: datetime) -> list[CarerGroup]:
        assert carer.id is not None
        day = local_day(now, resolve_timezone(carer.timezone or "UTC"))
        calendars = trepo.calendars_for(session=session, carer_ids=[carer.id]).get(carer.id, [])
        theme = theme_for(calendars, day)
        by_group = {c.group_id: c for c in calendars}
        themed = {c.group_id for c in calendars if (w := c.week(day)) and w.dimension}
        result = []
        for _member, group in trepo.carer_groups(session=session, carer_id=carer.id):
            assert group.id is not None
            trainer = session.get(Trainer, group.trainer_id)
            calendar = by_group.get(group.id)
            week = calendar.week(day) if calendar else None
            result.append(
                CarerGroup(
                    id=group.id,
                    name=group.name,
                    trainer_name=trainer.display_name if trainer else "",
                    week=calendar.week_index(day) if calendar else None,
                    this_week=week,
                    sets_theme=theme is not None and theme.group_id == group.id,
                    clashes=len(themed) > 1 and group.id in themed,
                )
            )
        return result


def _is_member(session: Session, group_id: int, carer_id: int) -> bool:
    """A current member: joined and not left."""
    member = trepo.membership(session=session, group_id=group_id, carer_id=carer_id)
    return member is not None and member.left_at is None


def _usable(session: Session, code: str, now: datetime) -> tuple[GroupInvite, CareGroup, Trainer]:
    """Return a live link's group and trainer, or refuse: revoked, expired, full or archived."""
    invite = trepo.invite_by_code(session=session, code=code)
    if invite is None or invite.revoked_at is not None:
        raise InviteInvalidError()
    if invite.expires_at is not None and invite.expires_at <= now:
        raise InviteInvalidError()
    if invite.max_uses is not None and invite.uses >= invite.max_uses:
        raise InviteInvalidError()
    group = session.get(CareGroup, invite.group_id)
    trainer = session.get(Trainer, group.trainer_id) if group else None
    if group is None or group.archived_at is not None or trainer is None or trainer.removed_at:
        raise InviteInvalidError()
    return invite, group, trainer


def _group_calendar(session: Session, group: CareGroup, now: datetime) -> GroupCalendar:
    assert group.id is not None
    plan = session.get(Plan, group.plan_id) if group.plan_id else None
    return GroupCalendar(
        group_id=group.id,
        start=group.start_date,
        joined_at=now,
        weeks=trepo.plan_weeks(plan.weeks) if plan else (),
        overrides=trepo.group_themes(session=session, group_ids=[group.id]).get(group.id, {}),
    )
