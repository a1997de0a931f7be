"""What carers can see, take away and delete of what they wrote."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from bot.domain.errors import NotOnboardedError
from bot.domain.model import Dimension, RiskLevel
from bot.packs.registry import ContentRegistry
from bot.ports import Clock
from bot.services.views import CarerView, JournalEntry, JournalPage
from bot.storage import repositories as repo
from bot.storage.db import Database, Session
from bot.storage.models import Carer

PAGE_SIZE = 3
UPDATE_MEMORY = timedelta(days=2)  # Telegram redelivers an update for at most a day


class JournalService:
    """Read, export and erase a carer's data."""

    def __init__(
        self, db: Database, content: ContentRegistry, clock: Clock, *, retention_days: int
    ) -> None:
        """Wire storage, packs (to show prompt texts), time, and how long text is kept."""
        self._db = db
        self._content = content
        self._clock = clock
        self.retention = timedelta(days=retention_days)

    async def page(self, telegram_user_id: int, page: int) -> JournalPage:
        """Return one page of reflections, newest first; out-of-range pages are clamped."""

        def work(session: Session) -> JournalPage:
            carer = _carer(session, telegram_user_id)
            assert carer.id is not None
            total = repo.count_reflections(session=session, carer_id=carer.id)
            pages = max(1, -(-total // PAGE_SIZE))
            current = min(max(page, 0), pages - 1)
            rows = repo.list_reflections(
                session=session, carer_id=carer.id, offset=current * PAGE_SIZE, limit=PAGE_SIZE
            )
            entries = [
                JournalEntry(
                    created_at=row.created_at,
                    dimension=Dimension(row.dimension) if row.dimension else None,
                    prompt_id=row.prompt_id,
                    text=row.text,
                    risk=RiskLevel(row.risk_level) if row.risk_level else None,
                )
                for row in rows
            ]
            return JournalPage(CarerView.of(carer), entries, current, pages, total)

        return await self._db.run(work)

    async def export(self, telegram_user_id: int) -> tuple[CarerView, bytes]:
        """Return everything stored about the carer as a JSON document."""

        def work(session: Session) -> tuple[CarerView, bytes]:
            carer = _carer(session, telegram_user_id)
            document = self._document(session, carer)
            payload = json.dumps(document, ensure_ascii=False, indent=2).encode()
            return CarerView.of(carer), payload

        return await self._db.run(work)

    def _document(self, session: Session, carer: Carer) -> dict[str, Any]:
        assert carer.id is not None
        locale = carer.locale
        reflections = repo.list_reflections(
            session=session, carer_id=carer.id, offset=0, limit=1_000_000
        )
        return {
            "exported_at": _iso(self._clock.now()),
            "profile": {
                "telegram_user_id": carer.telegram_user_id,
                "chat_id": carer.chat_id,
                "language": locale,
                "role": carer.role,
                "age_band": carer.age_band,
                "prompt_weekdays": sorted(CarerView.of(carer).weekdays),
                "prompt_time": carer.prompt_time,
                "timezone": carer.timezone,
                "paused": carer.paused,
                "onboarded_at": _iso(carer.onboarded_at),
                "next_prompt_at": _iso(carer.next_prompt_at),
                "created_at": _iso(carer.created_at),
            },
            "prompts": [
                {
                    "prompt_id": row.prompt_id,
                    "prompt": self._prompt_text(row.prompt_id, locale),
                    "dimension": row.dimension,
                    "kind": row.kind,
                    "status": row.status,
                    "due_at": _iso(row.due_at),
                    "sent_at": _iso(row.sent_at),
                }
                for row in repo.list_deliveries(session=session, carer_id=carer.id)
            ],
            "reflections": [
                {
                    "written_at": _iso(row.created_at),
                    "text": row.text,
                    "prompt_id": row.prompt_id,
                    "prompt": self._prompt_text(row.prompt_id, locale),
                    "dimension": row.dimension,
                    "suggestion_id": row.suggestion_id,
                    "suggestion": self._suggestion_text(row.suggestion_id, locale),
                    "safeguarding_flag": row.risk_level,
                    "safeguarding_strength": row.risk_strength,
                }
                for row in reversed(reflections)
            ],
        }

    def _prompt_text(self, prompt_id: str | None, locale: str) -> str | None:
        prompt = self._content.prompt(prompt_id) if prompt_id else None
        return prompt.texts.get(locale) if prompt else None

    def _suggestion_text(self, suggestion_id: str | None, locale: str) -> str | None:
        suggestion = self._content.suggestion(suggestion_id) if suggestion_id else None
        return suggestion.texts.get(locale) if suggestion else None

    async def forget(self, telegram_user_id: int) -> str | None:
        """Delete every row about the carer; return their locale to say goodbye in."""

        def work(session: Session) -> str | None:
            carer = repo.get_carer_by_telegram_id(
                session=session, telegram_user_id=telegram_user_id
            )
            if carer is None or carer.id is None:
                return None
            locale = carer.locale
            repo.delete_carer(session=session, carer_id=carer.id)
            return locale

        locale = await self._db.run(work)
        if locale is not None:
            await self._db.erase_traces_async()
        return locale

    async def expire(self) -> int:
        """Delete reflections and finished prompts older than the retention period."""
        now = self._clock.now()
        gone = await self._db.run(
            lambda session: repo.delete_expired(
                session=session,
                reflections_before=now - self.retention,
                updates_before=now - UPDATE_MEMORY,
            )
        )
        if gone:
            await self._db.erase_traces_async()
        return gone


def _carer(session: Session, telegram_user_id: int) -> Carer:
    carer = repo.get_carer_by_telegram_id(session=session, telegram_user_id=telegram_user_id)
    if carer is None:
        raise NotOnboardedError()
    return carer


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
