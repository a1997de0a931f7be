"""Store a carer's reflection exactly once and answer it with a suggestion or a signpost."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timedelta

from bot.domain import delivery as delivery_state
from bot.domain.errors import DomainError
from bot.domain.model import Dimension, Strength
from bot.domain.pending import AwaitingReflection
from bot.domain.reflection import MAX_REFLECTION_LENGTH, clean_reflection, has_visible_text
from bot.domain.text import only_acknowledges
from bot.packs.registry import ContentRegistry
from bot.ports import Clock
from bot.services.assess import SuggestionEngine
from bot.services.views import (
    Assessment,
    CarerView,
    ReflectionOutcome,
    RevisionOutcome,
    UnkeptConcern,
)
from bot.storage import repositories as repo
from bot.storage.db import Database, Session
from bot.storage.models import Carer, PromptDelivery, Reflection

OPEN_PROMPT_WINDOW = timedelta(hours=24)
# Telegram splits a paste over 4,096 characters into messages sent back to back; a message
# that directly follows a stored reflection within this window is its continuation.
STITCH_WINDOW = timedelta(seconds=10)


@dataclass(frozen=True)
class IncomingText:
    """A text message from Telegram, reduced to what the service needs."""

    telegram_user_id: int
    message_id: int
    text: str
    reply_to_message_id: int | None = None
    # The language to answer in when the sender has no carer row yet (Telegram's, negotiated).
    fallback_locale: str | None = None


class ReflectionService:
    """Keep reflections and choose the reply."""

    def __init__(
        self, db: Database, content: ContentRegistry, clock: Clock, engine: SuggestionEngine
    ) -> None:
        """Wire storage, packs, time and the suggestion engine."""
        self._db = db
        self._content = content
        self._clock = clock
        self._engine = engine

    def read_context(
        self, session: Session, incoming: IncomingText
    ) -> repo.ReflectionContext | None:
        """Read the carer and every row the text may concern, in one statement."""
        now = self._clock.now()
        return repo.get_reflection_context(
            session=session,
            telegram_user_id=incoming.telegram_user_id,
            message_id=incoming.message_id,
            reply_to_message_id=incoming.reply_to_message_id,
            stitch_since=now - STITCH_WINDOW,
            open_since=now - OPEN_PROMPT_WINDOW,
        )

    def record(
        self, session: Session, context: repo.ReflectionContext, incoming: IncomingText
    ) -> ReflectionOutcome | RevisionOutcome:
        """Store the reflection (once per Telegram message) and decide the reply."""
        carer = context.carer
        assert carer.id is not None
        stored = _reflection(session, context.stored_id)
        if stored is not None:
            return self._replay(carer, stored)
        text = clean_reflection(incoming.text)
        head = _reflection(session, context.previous_id)
        if head is not None and len(head.text) + 1 + len(text) <= MAX_REFLECTION_LENGTH:
            head.text = f"{head.text} {text}"
            head.telegram_message_id = incoming.message_id  # the next part follows this one
            return replace(self._rejudge(carer, head), continued=True)
        delivery = self._find_prompt(session, context)
        dimension = Dimension(delivery.dimension) if delivery else None
        view = CarerView.of(carer)
        assessment = self._engine.assess(
            text,
            locale=carer.locale,
            dimension=dimension,
            age_band=view.age_band,
            role=view.role,
            last_given=context.last_suggestion_id,
            given_counts=context.suggestion_counts,
            salt=str(carer.id),
        )
        flag = assessment.flag
        answered = assessment.dimension or dimension
        repo.add_reflection(
            session=session,
            row=repo.NewReflection(
                carer_id=carer.id,
                delivery_id=delivery.id if delivery else None,
                prompt_id=delivery.prompt_id if delivery else None,
                dimension=answered.value if answered else None,
                text=text,
                locale=carer.locale,
                telegram_message_id=incoming.message_id,
                suggestion_id=assessment.suggestion.id if assessment.suggestion else None,
                risk_level=flag[0].value if flag else None,
                risk_strength=flag[1].value if flag else None,
                tone=assessment.tone.value if assessment.tone else None,
                created_at=self._clock.now(),
            ),
        )
        if delivery is not None:
            delivery.status = delivery_state.ANSWERED
        if carer.awaiting is not None:  # assigning None to None would still dirty the row
            carer.awaiting = None
        return ReflectionOutcome(carer=view, assessment=assessment, dimension=answered)

    def acknowledges(self, text: str, locale: str) -> bool:
        """Tell a bare 'ok' or 'thanks' from a reflection, by the locale's listed phrases."""
        return only_acknowledges(text, self._content.judgement[locale].acknowledgements)

    def concern(self, text: str, locale: str, refusal: DomainError) -> UnkeptConcern | None:
        """Judge only the risk of a text the bot refused: a worry must not wait for set-up."""
        if locale not in self._content.locales:
            locale = self._content.source_locale
        found = self._engine.risk(text, locale=locale) if has_visible_text(text) else None
        if found is None:
            return None
        contacts = self._content.contacts(locale)
        return UnkeptConcern(locale, found.level, found.strength, contacts, refusal)

    async def revise(self, incoming: IncomingText) -> RevisionOutcome | None:
        """Bring a stored reflection in line with the carer's edit of their message.

        Returns None when the edited message was not a stored reflection. The suggestion
        already given stands; safeguarding rules run again on the new text.
        """

        def work(session: Session) -> RevisionOutcome | None:
            context = self.read_context(session, incoming)
            row = _reflection(session, context.stored_id) if context else None
            if context is None or row is None:
                return None
            row.text = clean_reflection(incoming.text)
            return self._rejudge(context.carer, row)

        return await self._db.run(work)

    def _rejudge(self, carer: Carer, row: Reflection) -> RevisionOutcome:
        """Run safeguarding again on changed text; a flag may rise, never silently fall."""
        found = self._engine.risk(row.text, locale=carer.locale)
        contacts = self._content.contacts(carer.locale)
        if found is None:
            return RevisionOutcome(CarerView.of(carer), None, contacts)
        sure = found.strength is Strength.SIGNPOST
        if sure or row.risk_strength != Strength.SIGNPOST.value:
            row.risk_level, row.risk_strength = found.level.value, found.strength.value
        return RevisionOutcome(
            CarerView.of(carer),
            found.level if sure else None,
            contacts,
            note=None if sure else found.level,
        )

    def _find_prompt(
        self, session: Session, context: repo.ReflectionContext
    ) -> PromptDelivery | None:
        """Link to the prompt replied to, else the one whose Answer was tapped, else the latest."""
        for delivery in self._prompt_candidates(session, context):
            if (
                delivery is not None
                and delivery.carer_id == context.carer.id
                and delivery.status in delivery_state.OPEN_FOR_ANSWER
            ):
                return delivery
        return None

    @staticmethod
    def _prompt_candidates(
        session: Session, context: repo.ReflectionContext
    ) -> Iterator[PromptDelivery | None]:
        """Yield candidates in order, querying each only if the ones before did not fit.

        A replied-to or tapped prompt is usually the newest open one, already in the session,
        so getting it costs no statement.
        """
        if context.replied_id is not None:
            yield repo.get_delivery(session=session, delivery_id=context.replied_id)
        awaiting = context.carer.awaiting
        if isinstance(awaiting, AwaitingReflection):
            yield repo.get_delivery(session=session, delivery_id=awaiting.delivery_id)
        yield context.latest_open

    def _replay(self, carer: Carer, reflection: Reflection) -> ReflectionOutcome:
        """Answer a redelivered update with the reply already chosen, storing nothing new."""
        suggestion = (
            self._content.suggestion(reflection.suggestion_id)
            if reflection.suggestion_id
            else None
        )
        assessment = Assessment.stored(
            level=reflection.risk_level,
            strength=reflection.risk_strength,
            suggestion=suggestion,
            contacts=self._content.contacts(carer.locale),
        )
        dimension = Dimension(reflection.dimension) if reflection.dimension else None
        return ReflectionOutcome(
            carer=CarerView.of(carer), assessment=assessment, dimension=dimension, duplicate=True
        )


def _reflection(session: Session, reflection_id: int | None) -> Reflection | None:
    """Load a reflection the context named by id (a redelivery, or the head of a long paste)."""
    if reflection_id is None:
        return None
    return repo.get_reflection(session=session, reflection_id=reflection_id)
