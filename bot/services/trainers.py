"""Trainers: made by an admin, running groups, themes, plans, messages and k-anonymous reports.

Every trainer action finds the trainer from the Telegram user and the group from the
trainer, so a forged button naming another trainer's group finds nothing.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.domain.errors import (
    GroupNotFoundError,
    InviteInvalidError,
    NameInvalidError,
    NotATrainerError,
    NoteTooLongError,
    UnknownTimezoneError,
)
from bot.domain.group_report import (
    CarerWeek,
    GroupReport,
    build_report,
    report_from_json,
    report_json,
)
from bot.domain.model import Dimension, Tone
from bot.domain.pending import AwaitingTrainer
from bot.domain.programme import (
    MAX_NAME_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_PLAN_WEEKS,
    WEEK,
    GroupCalendar,
    PlanWeek,
    digest_week_due,
    monday_of,
    next_waking_instant,
    week_bounds,
)
from bot.domain.reflection import clean_text
from bot.domain.schedule import resolve_timezone
from bot.packs.plans import ShippedPlan
from bot.ports import Clock, NoTypedWords, TypedWords
from bot.services.trainer_views import (
    BroadcastPreview,
    BroadcastQueued,
    GroupScreen,
    GroupView,
    Hub,
    InviteView,
    PlanScreen,
    PlansScreen,
    PlanView,
    Rejected,
    ReportScreen,
    ThemeScreen,
    TrainerCreated,
    TrainerScreen,
    TrainerView,
    Typing,
    Visitor,
)
from bot.storage import repositories as repo
from bot.storage import trainer_repo as trepo
from bot.storage.db import Database, Session
from bot.storage.models import (
    Broadcast,
    CareGroup,
    GroupInvite,
    GroupTheme,
    Plan,
    PromptDelivery,
    Trainer,
    TrainerInvite,
)

T = TypeVar("T")
TRAINER_INVITE_DAYS = 7
BROADCAST_LIMIT = 1000
INVITE_BYTES = 12  # 96 bits: 16 URL-safe characters, unguessable
USERNAME = re.compile(r"^@?([A-Za-z][A-Za-z0-9_]{3,31})$")
DEFAULT_ZONE = "UTC"


def invite_hash(code: str) -> str:
    """Hash a trainer invite code; only the hash is stored."""
    return hashlib.sha256(code.encode()).hexdigest()


class TrainerService:
    """Everything a trainer and an agency admin can do."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        shipped_plans: tuple[ShippedPlan, ...],
        default_zones: dict[str, str],
        negotiate: Callable[[str | None], str],
        typed_words: TypedWords | None = None,
    ) -> None:
        """Wire storage, time, the shipped plans, each locale's usual timezone and city names."""
        self._db = db
        self._clock = clock
        self._shipped = shipped_plans
        self._zones = default_zones
        self._negotiate = negotiate
        self._words = typed_words or NoTypedWords()

    # Admin (command line) ------------------------------------------------------------------

    def sync_shipped_plans(self, names: dict[str, str]) -> None:
        """Copy the shipped plans into the database (the source of truth), by key."""

        def work(session: Session) -> None:
            for shipped in self._shipped:
                plan = trepo.shipped_plan(session=session, key=shipped.key)
                weeks = trepo.encode_weeks(shipped.weeks)
                if plan is None:
                    plan = Plan(
                        key=shipped.key, name=names.get(shipped.key, shipped.key), weeks=weeks
                    )
                    session.add(plan)
                plan.weeks = weeks

        self._db.run_sync(work)

    def add(self, who: str, display_name: str = "") -> TrainerCreated:
        """Make a trainer from a Telegram user id or an @username (bound when they first come)."""
        user_id, username = _parse_who(who)

        def work(session: Session) -> TrainerCreated:
            trainer = (
                trepo.trainer_by_user(session=session, telegram_user_id=user_id)
                if user_id is not None
                else trepo.unclaimed_trainer(session=session, username=username or "")
            )
            if trainer is None:
                carer = (
                    repo.get_carer_by_telegram_id(session=session, telegram_user_id=user_id)
                    if user_id is not None
                    else None
                )
                trainer = Trainer(
                    telegram_user_id=user_id,
                    username=username.casefold() if username else None,
                    chat_id=carer.chat_id if carer else None,
                    locale=carer.locale if carer else "en",
                    timezone=carer.timezone if carer else None,
                )
                session.add(trainer)
            trainer.removed_at = None
            trainer.commands = None  # register the trainer menu again
            if display_name:
                trainer.display_name = display_name[:64]
            session.flush()
            return _created(trainer)

        return self._db.run_sync(work)

    def remove(self, who: str) -> TrainerCreated | None:
        """Remove a trainer: their groups are archived, their menu cleared at the next start."""
        user_id, username = _parse_who(who)
        now = self._clock.now()

        def work(session: Session) -> TrainerCreated | None:
            trainer = next(
                (
                    t
                    for t in trepo.list_trainers(session=session)
                    if (user_id is not None and t.telegram_user_id == user_id)
                    or (username is not None and t.username == username.casefold())
                ),
                None,
            )
            if trainer is None or trainer.id is None:
                return None
            trainer.removed_at = now
            for group in trepo.trainer_groups(session=session, trainer_id=trainer.id):
                group.archived_at = group.archived_at or now
            return _created(trainer)

        return self._db.run_sync(work)

    def all(self) -> list[TrainerCreated]:
        """List trainers with how many groups each runs."""

        def work(session: Session) -> list[TrainerCreated]:
            return [
                replace(
                    _created(t),
                    groups=len(trepo.trainer_groups(session=session, trainer_id=t.id or 0)),
                )
                for t in trepo.list_trainers(session=session)
            ]

        return self._db.run_sync(work)

    def create_trainer_invite(self) -> tuple[str, datetime]:
        """Make a one-time trainer link code, valid for a week; only its hash is kept."""
        code = "t_" + secrets.token_urlsafe(INVITE_BYTES)
        expires = self._clock.now() + timedelta(days=TRAINER_INVITE_DAYS)

        def work(session: Session) -> None:
            session.add(TrainerInvite(code_hash=invite_hash(code), expires_at=expires))

        self._db.run_sync(work)
        return code, expires

    # Becoming a trainer --------------------------------------------------------------------

    async def redeem(self, code: str, visitor: Visitor) -> Hub:
        """Use a one-time trainer link: the user becomes a trainer, once."""
        now = self._clock.now()

        def work(session: Session) -> Hub:
            invite = trepo.trainer_invite(session=session, code_hash=invite_hash(code))
            if invite is None or invite.used_at is not None or invite.expires_at <= now:
                raise InviteInvalidError()
            invite.used_at = now
            trainer = trepo.trainer_by_user(session=session, telegram_user_id=visitor.user_id)
            if trainer is None:
                trainer = Trainer(telegram_user_id=visitor.user_id)
                session.add(trainer)
            trainer.removed_at = None
            self._bind(session, trainer, visitor)
            return self._hub(session, trainer)

        return await self._db.run(work)

    async def open_hub(self, visitor: Visitor) -> Hub:
        """Show the trainer's home; a trainer added by @username is bound on first visit."""

        def work(session: Session) -> Hub:
            trainer = trepo.active_trainer(session=session, telegram_user_id=visitor.user_id)
            if trainer is None and visitor.username:
                trainer = trepo.unclaimed_trainer(session=session, username=visitor.username)
            if trainer is None:
                raise NotATrainerError()
            self._bind(session, trainer, visitor)
            trainer.awaiting = None
            return self._hub(session, trainer)

        return await self._db.run(work)

    def _bind(self, session: Session, trainer: Trainer, visitor: Visitor) -> None:
        """Fill in who the trainer is from their Telegram account and their carer settings."""
        carer = repo.get_carer_by_telegram_id(session=session, telegram_user_id=visitor.user_id)
        if trainer.telegram_user_id is None or trainer.chat_id is None:
            trainer.locale = carer.locale if carer else self._negotiate(visitor.language_code)
        trainer.telegram_user_id = visitor.user_id
        trainer.chat_id = visitor.chat_id
        trainer.display_name = trainer.display_name or visitor.name[:64]
        trainer.timezone = (
            trainer.timezone
            or (carer.timezone if carer else None)
            or self._zones.get(trainer.locale, DEFAULT_ZONE)
        )
        session.flush()

    async def menus_to_register(self) -> tuple[list[TrainerView], list[int]]:
        """Return trainers whose menu needs setting, and chats whose trainer menu must go."""

        def work(session: Session) -> tuple[list[TrainerView], list[int]]:
            rows = trepo.list_trainers(session=session)
            add = [
                _view(t)
                for t in rows
                if t.removed_at is None and t.chat_id and t.commands != "set"
            ]
            drop = [t.chat_id for t in rows if t.removed_at and t.chat_id and t.commands == "set"]
            return add, [c for c in drop if c]

        return await self._db.run(work)

    async def menus_registered(self, set_for: list[int], cleared: list[int]) -> None:
        """Record which chats now have, or no longer have, the trainer menu."""

        def work(session: Session) -> None:
            for t in trepo.list_trainers(session=session):
                if t.id in set_for:
                    t.commands = "set"
                elif t.chat_id in cleared:
                    t.commands = "cleared"

        await self._db.run(work)

    # Groups --------------------------------------------------------------------------------

    async def hub(self, user_id: int) -> Hub:
        """Return the trainer's home."""
        return await self._as_trainer(user_id, self._hub)

    async def group(self, user_id: int, group_id: int) -> GroupScreen:
        """Return one of the trainer's groups."""

        def work(session: Session, trainer: Trainer) -> GroupScreen:
            return GroupScreen(_view(trainer), self._group_view(session, trainer, group_id))

        return await self._as_trainer(user_id, work)

    async def ask(self, user_id: int, ask: str, group_id: int = 0, extra: int = 0) -> Typing:
        """Ask the trainer to type something, remembered in the database until they do."""

        def work(session: Session, trainer: Trainer) -> Typing:
            group = self._group_view(session, trainer, group_id) if group_id else None
            if ask in {"plan_note", "plan_name"}:
                self._own_plan(session, trainer, group_id)
                group = None
            trainer.awaiting = f"{ask}:{group_id}:{extra}"
            carer = repo.get_carer_by_telegram_id(session=session, telegram_user_id=user_id)
            if carer is not None:
                carer.awaiting = AwaitingTrainer()  # the carer's next text goes to trainer tools
            return Typing(_view(trainer), ask, group)

        return await self._as_trainer(user_id, work)

    def typed(self, session: Session, user_id: int, text: str) -> TrainerScreen | None:
        """Use a trainer's typed text for what was asked; None when nothing was asked."""
        trainer = trepo.active_trainer(session=session, telegram_user_id=user_id)
        if trainer is None or not trainer.awaiting:
            return None
        ask, _, rest = trainer.awaiting.partition(":")
        first, _, second = rest.partition(":")
        target, extra = int(first or 0), int(second or 0)
        try:
            screen = self._use_typed(session, trainer, ask, target, extra, clean_text(text))
        except (NameInvalidError, NoteTooLongError, UnknownTimezoneError) as error:
            return Rejected(_view(trainer), error, ask)
        except GroupNotFoundError:
            trainer.awaiting = None
            raise
        trainer.awaiting = None
        return screen

    def _use_typed(  # noqa: PLR0911 - one return per kind of question
        self, session: Session, trainer: Trainer, ask: str, target: int, extra: int, text: str
    ) -> TrainerScreen:
        """Apply typed text; each kind of question has one effect."""
        if ask == "group_name":
            return self._create_group(session, trainer, _name(text))
        if ask == "rename":
            self._owned_group(session, trainer, target).name = _name(text)
            return GroupScreen(_view(trainer), self._group_view(session, trainer, target))
        if ask == "note":
            return self._set_note(session, trainer, target, extra, _note(text))
        if ask == "broadcast":
            return self._draft(session, trainer, target, _note(text, BROADCAST_LIMIT))
        if ask == "plan_note":
            return self._edit_plan(session, trainer, target, note=(extra, _note(text)))
        if ask == "plan_name":
            return self._edit_plan(session, trainer, target, name=_name(text))
        if ask == "timezone":
            trainer.timezone = resolve_timezone(
                text,
                self._words.cities(trainer.locale),
                lambda name: self._words.town(trainer.locale, name),
            ).key
            return self._hub(session, trainer)
        return self._hub(session, trainer)

    def _create_group(self, session: Session, trainer: Trainer, name: str) -> GroupScreen:
        assert trainer.id is not None
        today = self._clock.now().astimezone(_zone(trainer)).date()
        group = CareGroup(trainer_id=trainer.id, name=name, start_date=monday_of(today))
        session.add(group)
        session.flush()
        assert group.id is not None
        self._new_invite(session, group.id, None, None)
        return GroupScreen(_view(trainer), self._group_view(session, trainer, group.id))

    async def archive(self, user_id: int, group_id: int) -> Hub:
        """Archive a group: no more themes, links or messages; its carers go back to rotation."""
        now = self._clock.now()

        def work(session: Session, trainer: Trainer) -> Hub:
            group = self._owned_group(session, trainer, group_id)
            group.archived_at = now
            trepo.revoke_invites(session=session, group_id=group_id, now=now)
            return self._hub(session, trainer)

        return await self._as_trainer(user_id, work)

    async def new_invite(
        self, user_id: int, group_id: int, *, days: int | None, cap: int | None
    ) -> GroupScreen:
        """Replace the group's link with a new one (the old one stops working)."""

        def work(session: Session, trainer: Trainer) -> GroupScreen:
            self._owned_group(session, trainer, group_id, open_only=True)
            trepo.revoke_invites(session=session, group_id=group_id, now=self._clock.now())
            self._new_invite(session, group_id, days, cap)
            return GroupScreen(_view(trainer), self._group_view(session, trainer, group_id))

        return await self._as_trainer(user_id, work)

    async def revoke_invite(self, user_id: int, group_id: int) -> GroupScreen:
        """Stop the group's link working; nobody new can join until a new link is made."""

        def work(session: Session, trainer: Trainer) -> GroupScreen:
            self._owned_group(session, trainer, group_id)
            trepo.revoke_invites(session=session, group_id=group_id, now=self._clock.now())
            return GroupScreen(_view(trainer), self._group_view(session, trainer, group_id))

        return await self._as_trainer(user_id, work)

    def _new_invite(
        self, session: Session, group_id: int, days: int | None, cap: int | None
    ) -> None:
        expires = self._clock.now() + timedelta(days=days) if days else None
        code = "g_" + secrets.token_urlsafe(INVITE_BYTES)
        session.add(GroupInvite(group_id=group_id, code=code, expires_at=expires, max_uses=cap))
        session.flush()

    # Themes and plans ----------------------------------------------------------------------

    async def theme_screen(self, user_id: int, group_id: int, week: int) -> ThemeScreen:
        """Show the choices for one week of a group's calendar."""

        def work(session: Session, trainer: Trainer) -> ThemeScreen:
            view = self._group_view(session, trainer, group_id, open_only=True)
            return ThemeScreen(_view(trainer), view, week, self._week_of(session, group_id, week))

        return await self._as_trainer(user_id, work)

    async def set_theme(
        self, user_id: int, group_id: int, week: int, dimension: Dimension | None
    ) -> GroupScreen:
        """Set one week's dimension (None: a rest week), keeping any note."""

        def work(session: Session, trainer: Trainer) -> GroupScreen:
            self._owned_group(session, trainer, group_id, open_only=True)
            row = self._theme_row(session, group_id, week)
            row.dimension = dimension.value if dimension else None
            return GroupScreen(_view(trainer), self._group_view(session, trainer, group_id))

        return await self._as_trainer(user_id, work)

    def _set_note(
        self, session: Session, trainer: Trainer, group_id: int, week: int, note: str
    ) -> GroupScreen:
        self._owned_group(session, trainer, group_id, open_only=True)
        self._theme_row(session, group_id, week).note = note
        return GroupScreen(_view(trainer), self._group_view(session, trainer, group_id))

    def _theme_row(self, session: Session, group_id: int, week: int) -> GroupTheme:
        """Return the week's own theme row, created from the plan's week on first change."""
        row = trepo.theme_row(session=session, group_id=group_id, week=week)
        if row is None:
            current = self._week_of(session, group_id, week)
            row = GroupTheme(
                group_id=group_id,
                week=week,
                dimension=current.dimension.value if current and current.dimension else None,
                note=current.note if current else "",
            )
            session.add(row)
        return row

    def _week_of(self, session: Session, group_id: int, week: int) -> PlanWeek | None:
        group = session.get(CareGroup, group_id)
        assert group is not None
        calendar = self._calendar(session, group)
        return calendar.week(calendar.start + week * WEEK)

    async def plans(self, user_id: int, group_id: int = 0) -> PlansScreen:
        """List shipped and own plans (to assign to a group when one is given)."""

        def work(session: Session, trainer: Trainer) -> PlansScreen:
            group = (
                self._group_view(session, trainer, group_id, open_only=True) if group_id else None
            )
            plans = tuple(
                _plan_view(p, trainer)
                for p in trepo.visible_plans(session=session, trainer_id=trainer.id or 0)
            )
            return PlansScreen(_view(trainer), plans, group)

        return await self._as_trainer(user_id, work)

    async def plan(self, user_id: int, plan_id: int) -> PlanScreen:
        """Show one plan."""

        def work(session: Session, trainer: Trainer) -> PlanScreen:
            return PlanScreen(
                _view(trainer), _plan_view(self._visible_plan(session, trainer, plan_id), trainer)
            )

        return await self._as_trainer(user_id, work)

    async def copy_plan(self, user_id: int, plan_id: int, copy_name: str) -> PlanScreen:
        """Make the trainer's own editable copy of a plan."""

        def work(session: Session, trainer: Trainer) -> PlanScreen:
            source = self._visible_plan(session, trainer, plan_id)
            plan = Plan(
                trainer_id=trainer.id, name=copy_name[:MAX_NAME_LENGTH], weeks=source.weeks
            )
            session.add(plan)
            session.flush()
            return PlanScreen(_view(trainer), _plan_view(plan, trainer))

        return await self._as_trainer(user_id, work)

    async def edit_plan_week(
        self,
        user_id: int,
        plan_id: int,
        week: int,
        action: str,
        dimension: Dimension | None = None,
    ) -> PlanScreen:
        """Change one week of an own plan: set its dimension, add a week, or drop the last."""

        def work(session: Session, trainer: Trainer) -> PlanScreen:
            return self._edit_plan(
                session, trainer, plan_id, week_action=(week, action, dimension)
            )

        return await self._as_trainer(user_id, work)

    def _edit_plan(
        self,
        session: Session,
        trainer: Trainer,
        plan_id: int,
        *,
        name: str | None = None,
        note: tuple[int, str] | None = None,
        week_action: tuple[int, str, Dimension | None] | None = None,
    ) -> PlanScreen:
        plan = self._own_plan(session, trainer, plan_id)
        weeks = list(trepo.plan_weeks(plan.weeks))
        if name is not None:
            plan.name = name
        if note is not None and 0 <= note[0] < len(weeks):
            weeks[note[0]] = replace(weeks[note[0]], note=note[1])
        if week_action is not None:
            index, action, dimension = week_action
            if action == "set" and 0 <= index < len(weeks):
                weeks[index] = replace(weeks[index], dimension=dimension)
            elif action == "add" and len(weeks) < MAX_PLAN_WEEKS:
                weeks.append(PlanWeek(dimension))
            elif action == "drop" and len(weeks) > 1:
                weeks.pop()
        plan.weeks = trepo.encode_weeks(weeks)
        return PlanScreen(_view(trainer), _plan_view(plan, trainer))

    async def assign_plan(
        self, user_id: int, group_id: int, plan_id: int, next_week: bool
    ) -> GroupScreen:
        """Run a plan in a group from this week's or next week's Monday."""

        def work(session: Session, trainer: Trainer) -> GroupScreen:
            group = self._owned_group(session, trainer, group_id, open_only=True)
            plan = self._visible_plan(session, trainer, plan_id)
            today = self._clock.now().astimezone(_zone(trainer)).date()
            group.plan_id = plan.id
            group.start_date = monday_of(today) + (WEEK if next_week else timedelta())
            return GroupScreen(_view(trainer), self._group_view(session, trainer, group_id))

        return await self._as_trainer(user_id, work)

    # Messages ------------------------------------------------------------------------------

    def _draft(
        self, session: Session, trainer: Trainer, group_id: int, text: str
    ) -> BroadcastPreview:
        self._owned_group(session, trainer, group_id, open_only=True)
        draft = Broadcast(group_id=group_id, text=text, created_at=self._clock.now())
        session.add(draft)
        session.flush()
        assert draft.id is not None
        recipients = len(trepo.active_members(session=session, group_id=group_id))
        view = self._group_view(session, trainer, group_id)
        return BroadcastPreview(_view(trainer), view, draft.id, text, recipients)

    async def send_broadcast(self, user_id: int, broadcast_id: int) -> BroadcastQueued:
        """Queue a confirmed message: one copy per carer, in their daytime, at the shared pace."""
        now = self._clock.now()

        def work(session: Session, trainer: Trainer) -> BroadcastQueued:
            draft = session.get(Broadcast, broadcast_id)
            if draft is None:
                raise GroupNotFoundError()
            self._owned_group(session, trainer, draft.group_id, open_only=True)
            view = self._group_view(session, trainer, draft.group_id)
            if draft.queued_at is not None:  # a second tap on Send changes nothing
                return BroadcastQueued(_view(trainer), view, draft.recipients)
            carers = trepo.active_members(session=session, group_id=draft.group_id)
            for carer in carers:
                assert carer.id is not None
                zone = ZoneInfo(resolve_timezone(carer.timezone or DEFAULT_ZONE).key)
                session.add(
                    PromptDelivery(
                        carer_id=carer.id,
                        prompt_id="broadcast",
                        dimension="",
                        kind=repo.BROADCAST,
                        due_at=next_waking_instant(now, zone),
                        status="pending",
                        broadcast_id=draft.id,
                    )
                )
            draft.queued_at, draft.recipients = now, len(carers)
            return BroadcastQueued(_view(trainer), view, len(carers))

        return await self._as_trainer(user_id, work)

    # Reports -------------------------------------------------------------------------------

    async def report(self, user_id: int, group_id: int, week: int | None) -> ReportScreen:
        """Return a group's k-anonymous figures for a programme week (default: the current)."""

        def work(session: Session, trainer: Trainer) -> ReportScreen:
            view = self._group_view(session, trainer, group_id)
            chosen = week if week is not None else max(view.week or 0, 0)
            return self._report(session, trainer, view, chosen)

        return await self._as_trainer(user_id, work)

    def _report(
        self, session: Session, trainer: Trainer, view: GroupView, week: int
    ) -> ReportScreen:
        """Count a week; a finished week is frozen when first read, so it can never change."""
        start_day = view.start + week * WEEK
        start, end = week_bounds(start_day, _zone(trainer))
        now = self._clock.now()
        if end > now:
            report = self._count(session, view.id, start, end)
        else:
            frozen = trepo.frozen_report(session=session, group_id=view.id, week=week)
            if frozen is None:
                report = self._count(session, view.id, start, end)
                trepo.freeze_report(
                    session=session,
                    group_id=view.id,
                    week=week,
                    figures=report_json(report),
                    now=now,
                )
            else:
                report = report_from_json(frozen.figures)
        return ReportScreen(_view(trainer), view, week, start_day, report)

    @staticmethod
    def _count(session: Session, group_id: int, start: datetime, end: datetime) -> GroupReport:
        """Count each member's activity while they were a member, within the week."""
        rows = trepo.members_during(session=session, group_id=group_id, start=start, end=end)
        windows = {c: (max(start, joined), min(end, left or end)) for c, joined, left in rows}

        def inside(carer: int, at: datetime) -> bool:
            return windows[carer][0] <= at < windows[carer][1]

        ids = list(windows)
        sent: Counter[int] = Counter(
            c
            for c, at in trepo.prompt_times(session=session, carer_ids=ids, start=start, end=end)
            if inside(c, at)
        )
        written: dict[int, Counter[Dimension | None]] = defaultdict(Counter)
        tones: dict[int, Counter[Tone]] = defaultdict(Counter)
        for carer, dimension, tone, at in trepo.reflection_facts(
            session=session, carer_ids=ids, start=start, end=end
        ):
            if inside(carer, at):
                written[carer][Dimension(dimension) if dimension else None] += 1
                tones[carer][Tone(tone) if tone else Tone.NEUTRAL] += 1
        return build_report(
            [
                CarerWeek(c, prompts_sent=sent[c], reflections=written[c], tones=tones[c])
                for c in ids
            ]
        )

    async def due_digests(self) -> list[ReportScreen]:
        """Claim this Monday's digests (once, across processes) and return last week's reports."""
        now = self._clock.now()

        def work(session: Session) -> list[ReportScreen]:
            reports: list[ReportScreen] = []
            for trainer in trepo.list_trainers(session=session):
                if trainer.removed_at or not trainer.digest_enabled or not trainer.chat_id:
                    continue
                monday = digest_week_due(now, _zone(trainer), trainer.last_digest_on)
                if monday is None or not trepo.claim_digest(
                    session=session, trainer_id=trainer.id or 0, monday=monday
                ):
                    continue
                for group in trepo.trainer_groups(session=session, trainer_id=trainer.id or 0):
                    if group.archived_at is None and group.id is not None:
                        view = self._group_view(session, trainer, group.id)
                        if view.week is not None and view.week >= 1:
                            reports.append(self._report(session, trainer, view, view.week - 1))
            return reports

        return await self._db.run(work)

    async def set_digest(self, user_id: int, enabled: bool) -> Hub:
        """Turn the Monday digest on or off."""

        def work(session: Session, trainer: Trainer) -> Hub:
            trainer.digest_enabled = enabled
            return self._hub(session, trainer)

        return await self._as_trainer(user_id, work)

    # Shared --------------------------------------------------------------------------------

    async def _as_trainer(self, user_id: int, work: Callable[[Session, Trainer], T]) -> T:
        """Run work for an active trainer in one transaction; anyone else is refused."""

        def run(session: Session) -> T:
            trainer = trepo.active_trainer(session=session, telegram_user_id=user_id)
            if trainer is None:
                raise NotATrainerError()
            return work(session, trainer)

        return await self._db.run(run)

    def _hub(self, session: Session, trainer: Trainer) -> Hub:
        groups = trepo.trainer_groups(session=session, trainer_id=trainer.id or 0)
        return Hub(
            _view(trainer),
            tuple(
                self._group_view(session, trainer, g.id or 0) for g in groups if not g.archived_at
            ),
        )

    def _owned_group(
        self, session: Session, trainer: Trainer, group_id: int, *, open_only: bool = False
    ) -> CareGroup:
        """Return the trainer's own group; another trainer's, or none, is 'not found'."""
        group = session.get(CareGroup, group_id) if group_id else None
        if group is None or group.trainer_id != trainer.id or (open_only and group.archived_at):
            raise GroupNotFoundError()
        return group

    def _visible_plan(self, session: Session, trainer: Trainer, plan_id: int) -> Plan:
        plan = session.get(Plan, plan_id) if plan_id else None
        if plan is None or plan.trainer_id not in (None, trainer.id):
            raise GroupNotFoundError()
        return plan

    def _own_plan(self, session: Session, trainer: Trainer, plan_id: int) -> Plan:
        plan = self._visible_plan(session, trainer, plan_id)
        if plan.trainer_id != trainer.id:
            raise GroupNotFoundError()
        return plan

    def _calendar(self, session: Session, group: CareGroup) -> GroupCalendar:
        assert group.id is not None
        plan = session.get(Plan, group.plan_id) if group.plan_id else None
        return GroupCalendar(
            group_id=group.id,
            start=group.start_date,
            joined_at=group.created_at,
            weeks=trepo.plan_weeks(plan.weeks) if plan else (),
            overrides=trepo.group_themes(session=session, group_ids=[group.id]).get(group.id, {}),
        )

    def _group_view(
        self, session: Session, trainer: Trainer, group_id: int, *, open_only: bool = False
    ) -> GroupView:
        group = self._owned_group(session, trainer, group_id, open_only=open_only)
        calendar = self._calendar(session, group)
        today = self._clock.now().astimezone(_zone(trainer)).date()
        week = calendar.week_index(today)
        invite = trepo.live_invite(session=session, group_id=group_id)
        plan = session.get(Plan, group.plan_id) if group.plan_id else None
        return GroupView(
            id=group_id,
            name=group.name,
            members=trepo.member_count(session=session, group_id=group_id),
            archived=group.archived_at is not None,
            start=group.start_date,
            week=week,
            this_week=calendar.week(today),
            next_week=calendar.week(today + WEEK),
            plan=_plan_view(plan, trainer) if plan else None,
            invite=_invite_view(invite, self._clock.now()) if invite else None,
        )


def _zone(trainer: Trainer) -> ZoneInfo:
    return ZoneInfo(resolve_timezone(trainer.timezone or DEFAULT_ZONE).key)


def _view(trainer: Trainer) -> TrainerView:
    assert trainer.id is not None
    return TrainerView(
        id=trainer.id,
        display_name=trainer.display_name,
        locale=trainer.locale,
        timezone=trainer.timezone or DEFAULT_ZONE,
        digest_enabled=trainer.digest_enabled,
        chat_id=trainer.chat_id,
    )


def _created(trainer: Trainer) -> TrainerCreated:
    assert trainer.id is not None
    return TrainerCreated(
        id=trainer.id,
        telegram_user_id=trainer.telegram_user_id,
        username=trainer.username,
        display_name=trainer.display_name,
        active=trainer.removed_at is None,
    )


def _plan_view(plan: Plan, trainer: Trainer) -> PlanView:
    assert plan.id is not None
    return PlanView(
        id=plan.id,
        name=plan.name,
        key=plan.key,
        own=plan.trainer_id is not None and plan.trainer_id == trainer.id,
        weeks=trepo.plan_weeks(plan.weeks),
    )


def _invite_view(invite: GroupInvite, now: datetime) -> InviteView | None:
    if invite.expires_at is not None and invite.expires_at <= now:
        return None
    return InviteView(invite.code, invite.expires_at, invite.max_uses, invite.uses)


def _parse_who(who: str) -> tuple[int | None, str | None]:
    """Read an admin's 'who': a numeric Telegram user id or an @username."""
    text = who.strip()
    if text.lstrip("-").isdigit():
        return int(text), None
    match = USERNAME.match(text)
    if match is None:
        raise ValueError(f"not a Telegram user id or @username: {who!r}")
    return None, match[1]


def _name(text: str) -> str:
    name = " ".join(text.split())
    if not name or len(name) > MAX_NAME_LENGTH:
        raise NameInvalidError(MAX_NAME_LENGTH)
    return name


def _note(text: str, limit: int = MAX_NOTE_LENGTH) -> str:
    note = text.strip()
    if note in {"-", "–", "—"}:
        return ""
    if len(note) > limit:
        raise NoteTooLongError(len(note), limit)
    return note
