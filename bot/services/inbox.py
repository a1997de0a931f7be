"""Route a carer's typed text: an answer the bot asked for, or a reflection."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from bot.domain.errors import (
    DomainError,
    NotOnboardedError,
    NotTextError,
    SetupUnfinishedError,
)
from bot.domain.pending import (
    NEXT_STEP,
    AwaitingSetting,
    AwaitingTrainer,
    Flow,
    SettingField,
    offered_by,
)
from bot.domain.reflection import clean_text
from bot.domain.schedule import parse_local_time, resolve_timezone
from bot.ports import Clock, NoTypedWords, TypedWords
from bot.services.arrivals import Arrival, take_arrival
from bot.services.carers import reschedule
from bot.services.reflections import IncomingText, ReflectionService
from bot.services.trainer_views import Rejected, TrainerScreen
from bot.services.views import (
    Acknowledged,
    CarerView,
    ReflectionOutcome,
    RevisionOutcome,
    UnkeptConcern,
)
from bot.storage import repositories as repo
from bot.storage.db import Database, Session
from bot.storage.models import Carer
from bot.storage.repositories import ReflectionContext


@dataclass(frozen=True)
class SettingAnswered:
    """The text answered a settings question; ``flow`` says where to go next."""

    carer: CarerView
    field: SettingField
    flow: Flow


@dataclass(frozen=True)
class SettingRejected:
    """The text could not answer a settings question; ask again."""

    carer: CarerView
    field: SettingField
    flow: Flow
    error: DomainError


InboxResult = (
    Acknowledged
    | SettingAnswered
    | SettingRejected
    | ReflectionOutcome
    | RevisionOutcome
    | TrainerScreen
    | UnkeptConcern
)
TrainerInput = Callable[[Session, int, str], TrainerScreen | None]


class InboxService:
    """Decide what a text message is, from what the carer was last asked."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        reflections: ReflectionService,
        trainer_input: TrainerInput | None = None,
        typed_words: TypedWords | None = None,
    ) -> None:
        """Wire storage, time, reflections, trainers' typed answers and carers' own words."""
        self._db = db
        self._clock = clock
        self._reflections = reflections
        self._trainer_input = trainer_input
        self._words = typed_words or NoTypedWords()

    async def receive_text(
        self, incoming: IncomingText, *, update_id: int | None = None
    ) -> tuple[Arrival, InboxResult | DomainError | None]:
        """Handle one text message: the update's claim, then one read and the writes it needs.

        With ``update_id`` the update is claimed here rather than by the gate: the same two
        transactions, but one trip to a worker thread, whose wake-up costs more than a commit.
        The claim commits first, so a copy is dropped (None) before anything is judged or
        stored. A refused text (DomainError) keeps nothing but the claim, whose news (why
        prompts stopped) the carer must still hear.
        """
        now = self._clock.now()
        taken: list[Arrival] = []
        languages: list[str] = []  # the carer's, once read

        def claim(session: Session) -> Arrival:
            arrival = Arrival()
            if update_id is not None:
                arrival = take_arrival(
                    session,
                    update_id=update_id,
                    telegram_user_id=incoming.telegram_user_id,
                    now=now,
                    command=False,
                )
            taken.append(arrival)
            return arrival

        def route(session: Session, arrival: Arrival) -> InboxResult | None:
            if arrival.duplicate:
                return None
            context = self._reflections.read_context(session, incoming)
            if context is not None:
                languages.append(context.carer.locale)
            return self._route(session, incoming, context)

        try:
            arrival, result = await self._db.run_in_turn(claim, route)
        except DomainError as error:
            concern = await self._concern(incoming, languages, error)
            return (taken[0] if taken else Arrival()), concern or error
        if isinstance(result, SettingRejected):
            return arrival, await self._concern(incoming, languages, result.error) or result
        return arrival, result

    async def read_caption(
        self, telegram_user_id: int, caption: str, fallback_locale: str | None
    ) -> UnkeptConcern | None:
        """Read a photo's or file's caption for a worry: the upload is not kept, the signpost is.

        One trip to a worker thread: the sender's language, then the judging.
        """

        def work(session: Session) -> UnkeptConcern | None:
            carer = repo.get_carer_by_telegram_id(
                session=session, telegram_user_id=telegram_user_id
            )
            locale = carer.locale if carer is not None else fallback_locale or ""
            return self._reflections.concern(caption, locale, NotTextError())

        return await self._db.run(work)

    async def _concern(
        self, incoming: IncomingText, languages: list[str], refusal: DomainError
    ) -> UnkeptConcern | None:
        """Read a refused text for a safeguarding worry, in the carer's language or Telegram's.

        The refusal's transaction has already rolled back; the judging runs off the event loop.
        """
        locale = languages[0] if languages else incoming.fallback_locale or ""
        return await asyncio.to_thread(self._reflections.concern, incoming.text, locale, refusal)

    def _route(
        self, session: Session, incoming: IncomingText, context: ReflectionContext | None
    ) -> InboxResult:
        """Decide what the text is from what the carer was last asked, and act on it."""
        if context is None:  # not a carer: perhaps a trainer typing what a button asked
            screen = self._trainer_text(session, incoming)
            if screen is None:
                raise NotOnboardedError()
            return screen
        carer = context.carer
        text = clean_text(incoming.text)  # refuse control characters and blank text
        pending = carer.awaiting
        if isinstance(pending, AwaitingTrainer):
            carer.awaiting = None
            screen = self._trainer_text(session, incoming)
            if isinstance(screen, Rejected):
                carer.awaiting = AwaitingTrainer()  # ask again
            if screen is not None:
                return screen
        if isinstance(pending, AwaitingSetting):
            if context.replied_id is None:  # not a reply to one of the carer's prompts
                answer = self._answer_setting(carer, pending, text)
                if not _is_reflection(answer, pending, carer):
                    return answer
            carer.awaiting = None  # a reply to a prompt, or a reflection, ends the question
        return self._reflect(session, context, incoming, text)

    def _reflect(
        self, session: Session, context: ReflectionContext, incoming: IncomingText, text: str
    ) -> Acknowledged | ReflectionOutcome | RevisionOutcome:
        """Keep the text as a reflection, unless set-up is unfinished or it only acknowledges."""
        carer = context.carer
        if carer.onboarded_at is None:
            raise SetupUnfinishedError()
        if self._reflections.acknowledges(text, carer.locale):
            return Acknowledged(CarerView.of(carer))  # an open Answer tap still waits
        return self._reflections.record(session, context, incoming)

    def _trainer_text(self, session: Session, incoming: IncomingText) -> TrainerScreen | None:
        if self._trainer_input is None:
            return None
        return self._trainer_input(session, incoming.telegram_user_id, incoming.text)

    def _answer_setting(
        self, carer: Carer, pending: AwaitingSetting, text: str
    ) -> SettingAnswered | SettingRejected:
        try:
            if pending.field == "timezone":
                carer.timezone = resolve_timezone(
                    text,
                    self._words.cities(carer.locale),
                    lambda name: self._words.town(carer.locale, name),
                ).key
            else:
                carer.prompt_time = parse_local_time(
                    text, self._words.day_periods(carer.locale)
                ).strftime("%H:%M")
        except DomainError as error:
            return SettingRejected(CarerView.of(carer), pending.field, pending.flow, error)
        # In onboarding a typed time leads on to the timezone question, which listens too.
        following = NEXT_STEP[pending.field] if carer.onboarded_at is None else "summary"
        carer.awaiting = offered_by(following, pending.flow) if pending.flow == "ob" else None
        reschedule(carer, self._clock)
        return SettingAnswered(CarerView.of(carer), pending.field, pending.flow)


def _is_reflection(
    answer: SettingAnswered | SettingRejected, pending: AwaitingSetting, carer: Carer
) -> bool:
    """Tell a reflection from a wrong answer: no time or place, and only buttons were shown."""
    return (
        isinstance(answer, SettingRejected)
        and not pending.typed
        and carer.onboarded_at is not None
    )
