"""Choose prompts, deliver them exactly once, and handle answer, snooze and skip."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, time
from functools import partial
from typing import Literal

from bot.domain.errors import NotOnboardedError, PromptClosedError
from bot.domain.model import DEFAULT_AGE_BAND, DEFAULT_ROLE, Dimension
from bot.domain.pending import AwaitingReflection
from bot.domain.rotation import choose_least_used, dimension_order
from bot.domain.schedule import (
    later_today,
    missed_quiet_window,
    resolve_timezone,
    tomorrow_at,
)
from bot.packs.registry import ContentRegistry, Prompt
from bot.ports import Clock, DeliveryFailedError, PromptMessage, PromptNotifier
from bot.services.arrivals import stop_unreachable
from bot.services.carers import next_slot_after
from bot.services.views import CarerView, SnoozeOutcome, SweepReport
from bot.storage import repositories as repo
from bot.storage.db import Database, Session
from bot.storage.models import Carer, PromptDelivery

log = logging.getLogger(__name__)

SWEEP_BATCH = 500
SnoozeOption = Literal["later", "tomorrow"]
DeliveryResult = Literal["sent", "missed", "failed", "retry", "taken"]


class PromptService:
    """Everything about prompts reaching carers."""

    def __init__(
        self, db: Database, content: ContentRegistry, clock: Clock, notifier: PromptNotifier
    ) -> None:
        """Wire storage, packs, time and the outgoing channel."""
        self._db = db
        self._content = content
        self._clock = clock
        self._notifier = notifier

    def choose_prompt(self, session: Session, carer: Carer) -> Prompt:
        """Pick the next dimension in the cycle and its least-used prompt for this carer."""
        assert carer.id is not None
        last = repo.last_dimension(session=session, carer_id=carer.id)
        used = repo.prompt_use_counts(session=session, carer_id=carer.id)
        view = CarerView.of(carer)
        band, role = view.age_band or DEFAULT_AGE_BAND, view.role or DEFAULT_ROLE
        for dimension in dimension_order(Dimension(last) if last else None):
            candidates = [
                p.id
                for p in self._content.prompts[dimension]
                if p.audience.suits(age_band=band, role=role)
            ]
            chosen = choose_least_used(candidates, used=used, salt=str(carer.id))
            if chosen is not None:
                prompt = self._content.prompt(chosen)
                assert prompt is not None
                return prompt
        raise AssertionError("validated packs always have a prompt for every audience")

    async def prompt_now(self, telegram_user_id: int) -> CarerView:
        """Send a prompt straight away (``/prompt``); the schedule is unchanged."""
        now = self._clock.now()

        def plan(session: Session) -> tuple[CarerView, int]:
            carer = _onboarded_carer(session, telegram_user_id)
            prompt = self.choose_prompt(session, carer)
            delivery = _new_delivery(session, carer, prompt, kind="on_demand", due_at=now)
            assert delivery.id is not None
            return CarerView.of(carer), delivery.id

        view, delivery_id = await self._db.run(plan)
        await self.deliver(delivery_id)
        return view

    async def sweep(self) -> SweepReport:
        """Turn due schedule slots into deliveries, then send every one whose time has come."""
        now = self._clock.now()
        report = SweepReport()
        report.planned, report.missed = await asyncio.to_thread(self._plan_due, now)
        pending = await self._db.run(
            lambda session: repo.pending_delivery_ids(session=session, now=now, limit=SWEEP_BATCH)
        )
        for delivery_id in pending:
            result = await self.deliver(delivery_id)
            if result == "sent":
                report.sent += 1
            elif result == "missed":
                report.missed += 1
            elif result == "failed":
                report.failed += 1
            elif result == "retry":
                report.retried += 1
        return report

    def _plan_due(self, now: datetime) -> tuple[int, int]:
        """Claim each due slot with a compare-and-set so that parallel workers never double it."""
        slots = self._db.run_sync(
            lambda session: repo.due_carer_slots(session=session, now=now, limit=SWEEP_BATCH)
        )
        planned = missed = 0
        for carer_id, due in slots:
            status = self._db.run_sync(
                partial(self._plan_slot, carer_id=carer_id, due=due, now=now)
            )
            planned += status == "pending"
            missed += status == "missed"
        return planned, missed

    def _plan_slot(
        self, session: Session, *, carer_id: int, due: datetime, now: datetime
    ) -> str | None:
        carer = repo.get_carer(session=session, carer_id=carer_id)
        following = next_slot_after(carer, max(now, due)) if carer else None
        if carer is None or following is None:
            return None
        if not repo.advance_schedule(
            session=session, carer_id=carer_id, expected=due, following=following
        ):
            return None
        prompt = self.choose_prompt(session, carer)
        status = "missed" if missed_quiet_window(due=due, now=now) else "pending"
        _new_delivery(session, carer, prompt, kind="scheduled", due_at=due, status=status)
        return status

    async def deliver(self, delivery_id: int) -> DeliveryResult:
        """Claim one pending delivery, send it, and record the outcome."""
        now = self._clock.now()
        claim = await self._db.run(lambda session: _claim(session, delivery_id, now))
        if not isinstance(claim, PromptMessage):
            return claim
        try:
            message_id = await self._notifier.send_prompt(claim)
        except DeliveryFailedError as exc:
            transient = exc.transient
            log.warning("delivery %s failed (transient=%s): %s", delivery_id, transient, exc)
            await self._db.run(
                lambda session: _release(session, claim, transient=transient, now=now)
            )
            return "retry" if transient else "failed"
        await self._db.run(lambda session: _record_sent(session, claim, now, message_id))
        return "sent"

    async def snooze(
        self, telegram_user_id: int, delivery_id: int, option: SnoozeOption
    ) -> SnoozeOutcome:
        """Bring a sent prompt back later today or tomorrow at the usual time."""
        now = self._clock.now()

        def work(session: Session) -> SnoozeOutcome:
            carer, delivery = _open_delivery(session, telegram_user_id, delivery_id)
            zone = resolve_timezone(carer.timezone or "UTC")
            due = (
                later_today(now=now, zone=zone)
                if option == "later"
                else tomorrow_at(now=now, at=time.fromisoformat(carer.prompt_time), zone=zone)
            )
            delivery.status = "snoozed"
            _new_delivery(
                session,
                carer,
                self._content.prompt(delivery.prompt_id) or self.choose_prompt(session, carer),
                kind="snooze",
                due_at=due,
            )
            return SnoozeOutcome(carer=CarerView.of(carer), due_at=due)

        return await self._db.run(work)

    async def skip(self, telegram_user_id: int, delivery_id: int) -> CarerView:
        """Close a prompt without an answer."""

        def work(session: Session) -> CarerView:
            carer, delivery = _open_delivery(session, telegram_user_id, delivery_id)
            delivery.status = "skipped"
            return CarerView.of(carer)

        return await self._db.run(work)

    async def begin_answer(
        self, telegram_user_id: int, delivery_id: int
    ) -> tuple[CarerView, Prompt | None]:
        """Make the carer's next text the answer to this prompt."""

        def work(session: Session) -> tuple[CarerView, Prompt | None]:
            carer, delivery = _open_delivery(session, telegram_user_id, delivery_id)
            carer.awaiting = AwaitingReflection(delivery_id)
            return CarerView.of(carer), self._content.prompt(delivery.prompt_id)

        return await self._db.run(work)


def _onboarded_carer(session: Session, telegram_user_id: int) -> Carer:
    carer = repo.get_carer_by_telegram_id(session=session, telegram_user_id=telegram_user_id)
    if carer is None or carer.onboarded_at is None:
        raise NotOnboardedError()
    return carer


def _open_delivery(
    session: Session, telegram_user_id: int, delivery_id: int
) -> tuple[Carer, PromptDelivery]:
    carer = _onboarded_carer(session, telegram_user_id)
    delivery = repo.get_delivery(session=session, delivery_id=delivery_id)
    if delivery is None or delivery.carer_id != carer.id or delivery.status != "sent":
        raise PromptClosedError()
    return carer, delivery


def _new_delivery(
    session: Session,
    carer: Carer,
    prompt: Prompt,
    *,
    kind: str,
    due_at: datetime,
    status: str = "pending",
) -> PromptDelivery:
    assert carer.id is not None
    return repo.create_delivery(
        session=session,
        carer_id=carer.id,
        prompt_id=prompt.id,
        dimension=prompt.dimension.value,
        kind=kind,
        due_at=due_at,
        status=status,
    )


def _claim(session: Session, delivery_id: int, now: datetime) -> PromptMessage | DeliveryResult:
    """Take a pending delivery for sending; too-late ones become missed instead."""
    delivery = repo.get_delivery(session=session, delivery_id=delivery_id)
    if delivery is None or delivery.status != "pending":
        return "taken"
    if missed_quiet_window(due=delivery.due_at, now=now):
        claimed = repo.transition_delivery(
            session=session, delivery_id=delivery_id, expected="pending", status="missed"
        )
        return "missed" if claimed else "taken"
    if not repo.transition_delivery(
        session=session, delivery_id=delivery_id, expected="pending", status="sending"
    ):
        return "taken"
    carer = repo.get_carer(session=session, carer_id=delivery.carer_id)
    assert carer is not None
    return PromptMessage(
        carer_id=delivery.carer_id,
        chat_id=carer.chat_id,
        locale=carer.locale,
        delivery_id=delivery_id,
        prompt_id=delivery.prompt_id,
        dimension=delivery.dimension,
        snoozed=delivery.kind == "snooze",
    )


def _record_sent(session: Session, claim: PromptMessage, now: datetime, message_id: int) -> None:
    """Mark the delivery sent; a newer prompt also supersedes an unused Answer tap."""
    repo.record_sent(
        session=session, delivery_id=claim.delivery_id, sent_at=now, message_id=message_id
    )
    carer = repo.get_carer(session=session, carer_id=claim.carer_id)
    if carer is not None and isinstance(carer.awaiting, AwaitingReflection):
        carer.awaiting = None


def _release(session: Session, claim: PromptMessage, *, transient: bool, now: datetime) -> None:
    """Put a failed delivery back for the next sweep, or give up and pause a blocked chat."""
    repo.transition_delivery(
        session=session,
        delivery_id=claim.delivery_id,
        expected="sending",
        status="pending" if transient else "failed",
    )
    if not transient:
        carer = repo.get_carer(session=session, carer_id=claim.carer_id)
        if carer is not None:
            stop_unreachable(carer, now)
