"""Store a carer's reflection exactly once and answer it with a suggestion or a signpost."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timedelta

from bot.domain.model import Dimension, Strength
from bot.domain.pending import AwaitingReflection
from bot.domain.reflection import MAX_REFLECTION_LENGTH, clean_reflection
from bot.packs.registry import ContentRegistry
from bot.ports import Clock
from bot.services.assess import SuggestionEngine
from bot.services.views import Assessment, CarerView, ReflectionOutcome, RevisionOutcome
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

    def record(
        self, session: Session, carer: Carer, incoming: IncomingText
    ) -> ReflectionOutcome | RevisionOutcome:
        """Store the reflection (once per Telegram message) and decide the reply."""
        assert carer.id is not None
        existing = repo.get_reflection_by_message(
            session=session, carer_id=carer.id, message_id=incoming.message_id
        )
        if existing is not None:
            return self._replay(carer, existing)
        text = clean_reflection(incoming.text)
        head = repo.previous_reflection(
            session=session,
            carer_id=carer.id,
            message_id=incoming.message_id,
            since=self._clock.now() - STITCH_WINDOW,
        )
        if head is not None and len(head.text) + 1 + len(text) <= MAX_REFLECTION_LENGTH:
            head.text = f"{head.text} {text}"
            head.telegram_message_id = incoming.message_id  # the next part follows this one
            return replace(self._rejudge(carer, head), continued=True)
        delivery = self._find_prompt(session, carer, incoming)
        dimension = Dimension(delivery.dimension) if delivery else None
        view = CarerView.of(carer)
        assessment = self._engine.assess(
            text,
            locale=carer.locale,
            dimension=dimension,
            age_band=view.age_band,
            role=view.role,
            last_given=repo.last_suggestion_id(session=session, carer_id=carer.id),
            given_counts=repo.suggestion_counts(session=session, carer_id=carer.id),
            salt=str(carer.id),
        )
        flag = assessment.flag
        answered = assessment.dimension or dimension
        repo.add_reflection(
            session=session,
            reflection=Reflection(
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
                created_at=self._clock.now(),
            ),
        )
        if delivery is not None:
            delivery.status = "answered"
        carer.awaiting = None
        return ReflectionOutcome(carer=view, assessment=assessment, dimension=answered)

    async def revise(self, incoming: IncomingText) -> RevisionOutcome | None:
        """Bring a stored reflection in line with the carer's edit of their message.

        Returns None when the edited message was not a stored reflection. The suggestion
        already given stands; safeguarding rules run again on the new text.
        """

        def work(session: Session) -> RevisionOutcome | None:
            carer = repo.get_carer_by_telegram_id(
                session=session, telegram_user_id=incoming.telegram_user_id
            )
            if carer is None or carer.id is None:
                return None
            row = repo.get_reflection_by_message(
                session=session, carer_id=carer.id, message_id=incoming.message_id
            )
            if row is None:
                return None
            row.text = clean_reflection(incoming.text)
            return self._rejudge(carer, row)

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
        self, session: Session, carer: Carer, incoming: IncomingText
    ) -> PromptDelivery | None:
        """Link to the prompt replied to, else the one whose Answer was tapped, else the latest."""
        for delivery in self._prompt_candidates(session, carer, incoming):
            if (
                delivery is not None
                and delivery.carer_id == carer.id
                and delivery.status == "sent"
            ):
                return delivery
        return None

    def _prompt_candidates(
        self, session: Session, carer: Carer, incoming: IncomingText
    ) -> Iterator[PromptDelivery | None]:
        """Yield candidates in order, querying each only if the ones before did not fit."""
        assert carer.id is not None
        if incoming.reply_to_message_id is not None:
            yield repo.get_delivery_by_message(
                session=session, carer_id=carer.id, message_id=incoming.reply_to_message_id
            )
        if isinstance(carer.awaiting, AwaitingReflection):
            yield repo.get_delivery(session=session, delivery_id=carer.awaiting.delivery_id)
        yield repo.latest_open_delivery(
            session=session, carer_id=carer.id, since=self._clock.now() - OPEN_PROMPT_WINDOW
        )

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
