"""When something breaks: the carer is told, developers get a report, no reflection leaks."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from bot.app import build_application, on_startup
from bot.config import Settings
from bot.ports import ManualClock
from bot.sandbox.api import LocalBotApi, MessageIds
from tests.harness import Chat

SECRET = "a detail about a child that must stay private"


async def test_a_failure_is_reported_without_the_reflection(
    sqlite_url: str, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A broken database: apology to the carer, traceback to the dev chat, text nowhere."""
    settings = Settings(database_url=sqlite_url, dev_chat_id=4242, _env_file=None)
    api = LocalBotApi(ids=MessageIds())
    app = build_application(settings, request=api, clock=clock)
    async with app:
        await on_startup(app)
        chat = Chat(app, api, clock)
        await chat.onboard()
        with app.bot_data.services.db.engine.begin() as connection:
            connection.execute(
                text(  # the insert that carries the text fails
                    "create trigger refuse before insert on reflections "
                    "begin select raise(abort, 'disk I/O error'); end"
                )
            )
        caplog.set_level(logging.DEBUG)
        calls = await chat.send(SECRET)
    app.bot_data.services.db.dispose()
    to_carer = [call for call in calls if call.params.get("chat_id") == chat.user_id]
    to_developers = [call for call in calls if call.params.get("chat_id") == 4242]
    assert to_carer[-1].text.startswith("Sorry, something went wrong on my side")
    assert "IntegrityError" in to_developers[-1].text
    assert SECRET not in to_developers[-1].text
    assert "unhandled error" in caplog.text
    assert SECRET not in caplog.text
