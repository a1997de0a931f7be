"""When something breaks: the carer is told, developers get a report, no reflection leaks."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from bot.config import Settings
from bot.ports import ManualClock
from tests.harness import running_chat

SECRET = "a detail about a child that must stay private"


async def test_a_failure_is_reported_without_the_reflection(
    sqlite_url: str, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A broken database: apology to the carer, traceback to the dev chat, text nowhere."""
    settings = Settings(database_url=sqlite_url, dev_chat_id=4242, _env_file=None)
    async with running_chat(settings, clock) as chat:
        await chat.onboard()
        with chat.app.bot_data.services.db.engine.begin() as connection:
            connection.execute(
                text(  # the insert that carries the text fails
                    "create trigger refuse before insert on reflections "
                    "begin select raise(abort, 'disk I/O error'); end"
                )
            )
        caplog.set_level(logging.DEBUG)
        calls = await chat.send(SECRET)
    to_carer = [call for call in calls if call.params.get("chat_id") == chat.user_id]
    to_developers = [call for call in calls if call.params.get("chat_id") == 4242]
    assert to_carer[-1].text.startswith("Sorry, something went wrong on my side")
    assert "IntegrityError" in to_developers[-1].text
    assert SECRET not in to_developers[-1].text
    assert "unhandled error" in caplog.text
    assert SECRET not in caplog.text
