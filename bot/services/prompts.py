"""Choose prompts, deliver each at most once at Telegram's pace, and handle the buttons.

The sweep is a drain: while this process holds the sender lock it recovers rows stuck past
their lease, plans due slots a batch at a time, claims due deliveries a batch at a time, sends
them through the paced sender, and records every outcome, until nothing is due. The states
and what each failure means are in ``bot.domain.delivery``.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, time, timedelta
from functools import partial
from typing import Literal

from bot.domain import delivery as state
from bot.domain.delivery import SENDING_LEASE, SendOutcome
from bot.domain.errors import NotOnboardedError, PromptClosedError
from bot.domain.model import DEFAULT_AGE_BAND, DEFAULT_ROLE, Dimension
from bot.domain.pending import AwaitingReflection
from bot.domain.programme import Theme, local_day, start_of_local_day, theme_for
from bot.domain.rotation import choose_least_used, dimension_order
from bot.domain.schedule import (
    QUIET_WINDOW,
    later_today,
    missed_quiet_window,
    resolve_timezone,
    tomorrow_at,
)
from bot.packs.registry import ContentRegistry, Prompt
from bot.ports import Clock, PromptMessage
from bot.scheduling.sender import PacedSender, SendResult
from bot.services.arrivals import stop_unreachable
from bot.services.carers import next_slot_after
from bot.services.views import CarerView, SnoozeOutcome, SweepReport
from bot.storage import repositories as repo
from bot.storage import trainer_repo as trepo
from bot.storage.db import Database, Session
from bot.storage.models import Carer, PromptDelivery
from bot.storage.sender_lock import SenderLock

log = logging.getLogger(__name__)

PLAN_BATCH = 1000
# Claim about one second of sending at a time: a crash mid-batch leaves at most that many
# rows to be recovered as ambiguous (never resent), most of which had not gone out yet.
SEND_SECONDS_PER_CLAIM = 1.0
# Telegram's flood control counts sends over one second.
FLOOD_WINDOW_SECONDS = 1.0
GIVE_UP_AFTER = 20  # attempts across drains before a delivery that never got out fails
SnoozeOption = Literal["later", "tomorrow"]
DeliveryResult = Literal["sent", "missed", "failed", "retry", "taken", "ambiguous"]


class PromptService:
    """Everything about prompts reaching carers."""

    def __init__(
        self,
        db: Database,
        content: ContentRegistry,
        clock: Clock,
        sender: PacedSender,
        lock: SenderLock,
        *,
        lease: float = SENDING_LEASE.total_seconds(),
    ) -> None:
        """Wire storage, packs, time, the paced sender and the one-sender lock."""
        self._db = db
        self._content = content
        self._clock = clock
        self.sender = sender
        self._lock = lock
        self._lease = lease

    def choose_prompt(
        self, session: Session, carer: Carer, due: datetime | None = None
    ) -> tuple[Prompt, str | None]:
        """Pick the next prompt for this carer (and a theme note, first thing in a theme week)."""
        assert carer.id is not None
        last = repo.last_dimension(session=session, carer_id=carer.id)
        used = repo.prompt_use_counts(session=session, carer_id=carer.id)
        themes = _themes(session, [carer], {carer.id: due or self._clock.now()})
        theme = themes.get(carer.id)
        prompt = self.pick_prompt(carer, last, used, theme.dimension if theme else None)
        return prompt, theme.note if theme else None

    def pick_prompt(
        self,
        carer: Carer,
        last: str | None,
        used: Counter[str],
        theme: Dimension | None = None,
    ) -> Prompt:
        """Rotate dimensions (a group's theme week first) and prefer the least-used prompt."""
        view = CarerView.of(carer)
        band, role = view.age_band or DEFAULT_AGE_BAND, view.role or DEFAULT_ROLE
        order = dimension_order(Dimension(last) if last else None)
        if theme is not None:  # the theme's prompts, and the rotation only if it has none
            order = [theme, *(d for d in order if d is not theme)]
        for dimension in order:
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
            prompt, note = self.choose_prompt(session, carer, now)
            delivery = _new_delivery(session, carer, prompt, kind="on_demand", due_at=now)
            delivery.note = note or None
            assert delivery.id is not None
            return CarerView.of(carer), delivery.id

        view, delivery_id = await self._db.run(plan)
        await self.deliver(delivery_id)
        return view

    async def sweep(self) -> SweepReport:
        """Drain everything due, if this process is the sender; another one may be."""
        report = SweepReport()
        if not await asyncio.to_thread(self._lock.try_acquire):
            report.standby = True
            return report
        if self._lock.taken_at is not None:
            # The sender before may have died mid-second; its last second of sends still
            # counts at Telegram, so the first send waits that second out.
            self.sender.hold_until(self._lock.taken_at + FLOOD_WINDOW_SECONDS)
        report.recovered = await self._recover()
        while await asyncio.to_thread(self._lock.try_acquire):
            planned, missed, claims = await self._db.run(
                partial(self._plan_and_claim, now=self._clock.now())
            )
            report.planned += planned
            report.missed += missed
            if claims:
                await self._send(claims, report)
            if (not claims and planned < PLAN_BATCH) or report.retried:
                break  # nothing more due, or Telegram unreachable: the next tick tries again
        return report

    def stand_down(self) -> None:
        """Stop being the sender (at shutdown), so another process takes over at once."""
        self._lock.release()

    async def _recover(self) -> int:
        """Resolve rows another run left in sending past the lease; count them."""
        before = self._clock.now() - timedelta(seconds=self._lease)
        recovered = await self._db.run(
            lambda session: repo.recover_stuck(session=session, claimed_before=before)
        )
        if recovered:
            log.warning("recovered %d deliveries stuck past their lease as ambiguous", recovered)
        return recovered

    def _plan_and_claim(
        self, session: Session, *, now: datetime
    ) -> tuple[int, int, list[repo.Claimed]]:
        """Plan a batch of due slots and claim a batch of due deliveries, in one transaction."""
        planned, missed = self._plan(session, now)
        return planned, missed, repo.claim_due(session=session, now=now, limit=self.send_batch)

    @property
    def send_batch(self) -> int:
        """How many deliveries one claim takes: a second's worth, and enough to fill the pipe."""
        pace = self.sender.pace
        return max(pace.in_flight, math.ceil(pace.per_second * SEND_SECONDS_PER_CLAIM))

    def _plan(self, session: Session, now: datetime) -> tuple[int, int]:
        """Turn a batch of due slots into deliveries with a few set statements."""
        missed = repo.mark_missed(session=session, due_before=now - QUIET_WINDOW)
        carers = repo.due_carers(session=session, now=now, limit=PLAN_BATCH)
        ids = [carer.id for carer in carers if carer.id is not None]
        if not ids:
            return 0, missed
        last = repo.last_dimensions(session=session, carer_ids=ids)
        uses = repo.prompt_uses(session=session, carer_ids=ids)
        dues = {c.id: c.next_prompt_at for c in carers if c.id is not None and c.next_prompt_at}
        themes = _themes(session, carers, dues)
        rows, moves = [], []
        for carer in carers:
            assert carer.id is not None and carer.next_prompt_at is not None
            due = carer.next_prompt_at
            following = next_slot_after(carer, max(now, due))
            if following is None:
                continue
            theme = themes.get(carer.id)
            prompt = self.pick_prompt(
                carer,
                last.get(carer.id),
                uses.get(carer.id, Counter()),
                theme.dimension if theme else None,
            )
            late = missed_quiet_window(due=due, now=now)
            missed += late
            row = _scheduled_row(carer.id, prompt, due, state.MISSED if late else None)
            row["note"] = (theme.note or None) if theme else None
            rows.append(row)
            moves.append((carer.id, due, following))
        repo.advance_schedules(session=session, moves=moves)
        repo.insert_scheduled(session=session, rows=rows)
        return len(rows), missed

    async def _send(self, claims: Sequence[repo.Claimed], report: SweepReport) -> None:
        """Send one claimed batch at Telegram's pace and record every outcome."""
        broadcasts = [claim.broadcast_id for claim in claims if claim.broadcast_id]
        headers = (
            await self._db.run(
                lambda session: trepo.broadcast_headers(session=session, broadcast_ids=broadcasts)
            )
            if broadcasts
            else {}
        )
        results = await self.sender.send_all([_message(claim, headers) for claim in claims])
        sent_at = self._clock.now()
        await self._db.run(lambda session: _settle(session, results, sent_at))
        for result in results:
            report.count(result.outcome)
            if result.outcome is SendOutcome.REJECTED:
                log.warning(
                    "delivery %s refused by Telegram (%s); the carer stays active",
                    result.message.delivery_id,
                    result.reason,
                )

    async def deliver(self, delivery_id: int) -> DeliveryResult:
        """Claim one pending delivery (e.g. ``/prompt``), send it at the same pace, record it."""
        now = self._clock.now()
        claims = await self._db.run(
            lambda session: repo.claim_due(session=session, now=now, limit=1, only=[delivery_id])
        )
        if not claims:
            return "taken"
        report = SweepReport()
        await self._send(claims, report)
        return "sent" if report.sent else "ambiguous" if report.ambiguous else "failed"

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
                self._content.prompt(delivery.prompt_id) or self.choose_prompt(session, carer)[0],
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
    if (
        delivery is None
        or delivery.carer_id != carer.id
        or delivery.status not in state.OPEN_FOR_ANSWER
    ):
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


def _scheduled_row(
    carer_id: int, prompt: Prompt, due: datetime, status: str | None
) -> dict[str, object]:
    """One planned delivery, as the bulk insert takes it."""
    return {
        "carer_id": carer_id,
        "prompt_id": prompt.id,
        "dimension": prompt.dimension.value,
        "kind": "scheduled",
        "due_at": due,
        "status": status or state.PENDING,
        "attempts": 0,
    }


def _message(claim: repo.Claimed, headers: dict[int, tuple[str, str, str]]) -> PromptMessage:
    """What the notifier needs to render and send one claimed delivery."""
    return PromptMessage(
        note=claim.note,
        broadcast=headers.get(claim.broadcast_id) if claim.broadcast_id else None,
        carer_id=claim.carer_id,
        chat_id=claim.chat_id,
        locale=claim.locale,
        delivery_id=claim.id,
        prompt_id=claim.prompt_id,
        dimension=claim.dimension,
        snoozed=claim.kind == "snooze",
    )


_STATUS_OF = {
    SendOutcome.SENT: state.SENT,
    SendOutcome.RETRY: state.PENDING,
    SendOutcome.AMBIGUOUS: state.AMBIGUOUS,
    SendOutcome.UNREACHABLE: state.FAILED,
    SendOutcome.REJECTED: state.FAILED,
}


def _settle(session: Session, results: Sequence[SendResult], now: datetime) -> None:
    """Record a batch's outcomes; pause carers Telegram cannot reach; clear stale Answer taps."""
    repo.settle(session=session, outcomes=[_outcome_row(result, now) for result in results])
    for result in results:
        if result.outcome is SendOutcome.UNREACHABLE:
            carer = repo.get_carer(session=session, carer_id=result.message.carer_id)
            if carer is not None:
                stop_unreachable(carer, now)
    repo.give_up_retries(session=session, after_attempts=GIVE_UP_AFTER)
    delivered = [
        r.message.carer_id
        for r in results
        if r.outcome is SendOutcome.SENT and r.message.broadcast is None
    ]
    repo.forget_answer_taps(session=session, carer_ids=delivered)


def _outcome_row(result: SendResult, now: datetime) -> dict[str, object]:
    """One row of the batch update that settles a claimed delivery."""
    sent = result.outcome is SendOutcome.SENT
    return {
        "delivery": result.message.delivery_id,
        "status": _STATUS_OF[result.outcome],
        "sent_at": now if sent else None,
        "message_id": result.message_id,
        "error": None if sent else (result.reason or result.outcome.value)[:40],
    }


def _themes(
    session: Session, carers: Sequence[Carer], dues: dict[int, datetime]
) -> dict[int, Theme]:
    """Each carer's group theme on the local day of their due prompt; a note only the first time.

    A theme note is kept for the week's first prompt: when the carer has had no prompt planned
    since the theme week began. Costs one statement per batch, two more when groups set themes.
    """
    ids = [c.id for c in carers if c.id is not None]
    calendars = trepo.calendars_for(session=session, carer_ids=ids)
    themes: dict[int, Theme] = {}
    for carer in carers:
        if carer.id is None or carer.id not in calendars or carer.id not in dues:
            continue
        zone = resolve_timezone(carer.timezone or "UTC")
        theme = theme_for(calendars[carer.id], local_day(dues[carer.id], zone))
        if theme is not None:
            themes[carer.id] = theme
    noted = [carer_id for carer_id, theme in themes.items() if theme.note]
    latest = trepo.latest_prompt_due(session=session, carer_ids=noted) if noted else {}
    zones = {c.id: resolve_timezone(c.timezone or "UTC") for c in carers if c.id in themes}
    for carer_id, theme in themes.items():
        begun = start_of_local_day(theme.week_start, zones[carer_id])
        if theme.note and carer_id in latest and latest[carer_id] >= begun:
            themes[carer_id] = replace(theme, note="")
    return themes
