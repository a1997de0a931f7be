"""A carer's-eye test harness: send text, tap buttons by label, read what the bot showed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from sqlmodel import Session, select
from telegram import Update

from bot.app import BotApplication, build_application, on_startup
from bot.config import Settings
from bot.ports import ManualClock
from bot.sandbox.api import ApiCall, LocalBotApi, MessageIds
from bot.sandbox.updates import UpdateFactory
from bot.scheduling.jobs import SWEEP_JOB
from bot.scheduling.sender import Pace
from bot.storage.models import Carer, PromptDelivery, Reflection

UNHURRIED = Pace(per_chat_interval=0.0, backoff_base=0.001, backoff_cap=0.01)


@asynccontextmanager
async def running_chat(settings: Settings, clock: ManualClock) -> AsyncIterator[Chat]:
    """Build and start an application as a process would, and talk to it as one carer."""
    api = LocalBotApi(ids=MessageIds())
    app = build_application(settings, request=api, clock=clock)
    # Journeys are not about pacing (tests/delivery is): no per-chat wait, quick retries.
    app.bot_data.services.prompts.sender.pace = UNHURRIED
    async with app:
        await on_startup(app)  # what run_polling calls as post_init
        yield Chat(app, api, clock)
    app.bot_data.services.prompts.stand_down()  # what post_shutdown does: free the sender lock
    app.bot_data.services.db.dispose()


def _plain(text: str) -> str:
    """Babel writes '7:30\u202fPM'; tests compare with ordinary spaces."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


class Chat:
    """One carer talking to the application through the real dispatch path."""

    def __init__(
        self,
        app: BotApplication,
        api: LocalBotApi,
        clock: ManualClock,
        *,
        user_id: int = 1001,
        language_code: str | None = "en",
    ) -> None:
        self.app, self.api, self.clock = app, api, clock
        self.users = UpdateFactory(app.bot, api.ids, user_id=user_id, language_code=language_code)

    @property
    def user_id(self) -> int:
        return self.users.user_id

    async def _feed(self, update: Any) -> list[ApiCall]:
        mark = len(self.api.calls)
        await self.app.process_update(update)
        return self.api.calls[mark:]

    async def send(self, text: str, **kwargs: Any) -> list[ApiCall]:
        return await self._feed(self.users.text(text, **kwargs))

    async def send_update(self, update: Any) -> list[ApiCall]:
        return await self._feed(update)

    async def tap(self, label: str) -> list[ApiCall]:
        """Tap the newest button whose label contains ``label``."""
        for call in reversed(self.api.calls):
            for button_label, data in call.buttons:
                if label in _plain(button_label) and call.message_id is not None:
                    return await self._feed(self.users.callback(data, message_id=call.message_id))
        raise AssertionError(f"no button labelled {label!r}; last: {self.last_text()}")

    async def start_and_tap(self, *labels: str) -> None:
        """Send /start and tap each label in turn, as a new user answering the questions."""
        await self.send("/start")
        for label in labels:
            await self.tap(label)

    def long_paste(self, sentence: str) -> tuple[list[Update], str]:
        """A 5,000-character paste as Telegram splits it (4,096 + 904), and the joined text."""
        words = (sentence * 100)[:5000]
        head, tail = words[:4096].rstrip(), words[4096:].strip()
        first_id = self.api.ids.next(self.user_id)
        self.api.ids.next(self.user_id)
        halves = [self.users.text(head, message_id=first_id)]
        halves.append(self.users.text(tail, message_id=first_id + 1))
        return halves, f"{head} {tail}"

    async def tap_data(self, data: str, message_id: int) -> list[ApiCall]:
        return await self._feed(self.users.callback(data, message_id=message_id))

    async def run_sweep(self) -> list[ApiCall]:
        """Run the periodic job exactly as the JobQueue would."""
        assert self.app.job_queue is not None
        jobs = self.app.job_queue.get_jobs_by_name(SWEEP_JOB)
        assert jobs, "on_startup must plan the sweep job"
        mark = len(self.api.calls)
        await jobs[0].run(self.app)
        return self.api.calls[mark:]

    async def clock_advance(self, delta: timedelta) -> list[ApiCall]:
        """Move time on and run the sweep, as the JobQueue would at that moment."""
        self.clock.advance(delta)
        return await self.run_sweep()

    def texts(self) -> list[str]:
        return [_plain(call.text) for call in self.api.calls if call.text]

    def last_text(self) -> str:
        texts = self.texts()
        return texts[-1] if texts else ""

    def last_prompt(self) -> ApiCall:
        for call in reversed(self.api.calls):
            if any(data.startswith("prompt:answer") for _, data in call.buttons):
                return call
        raise AssertionError("no prompt was sent")

    async def onboard(
        self,
        *,
        language: str = "English",
        role: str = "Foster carer",
        ages: str = "5–10 years",
        time_label: str = "19:30",
        timezone: str = "London",
        start: bool = True,
    ) -> None:
        """Complete /start with the given answers (labels as the carer sees them).

        ``start=False`` answers a welcome already on screen (e.g. after joining by a link).
        """
        if start:
            await self.send("/start")
        await self.tap(language)
        await self.tap(role)
        await self.tap(ages)
        await self.tap("Done" if language == "English" else "Listo")
        await self.tap(time_label)
        await self.tap(timezone)
        await self.tap("I understand" if language == "English" else "Entendido")

    async def onboard_in_spanish(self, *, ages: str = "5–10 años") -> None:
        """Complete /start in Spanish as a Madrid foster carer, prompts at 19:30."""
        await self.onboard(
            language="Español",
            role="Familia de acogida",
            ages=ages,
            time_label="19:30",
            timezone="Madrid",
        )

    # Database views -------------------------------------------------------------------

    def _session(self) -> Session:
        return Session(self.app.bot_data.services.db.engine)

    def carer(self) -> Carer | None:
        with self._session() as session:
            return session.exec(
                select(Carer).where(Carer.telegram_user_id == self.user_id)
            ).first()

    def reflections(self) -> list[Reflection]:
        with self._session() as session:
            return list(session.exec(select(Reflection).order_by(Reflection.id)).all())  # type: ignore[arg-type]

    def deliveries(self) -> list[PromptDelivery]:
        with self._session() as session:
            return list(session.exec(select(PromptDelivery).order_by(PromptDelivery.id)).all())  # type: ignore[arg-type]
