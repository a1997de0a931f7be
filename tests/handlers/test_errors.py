"""When something breaks: the carer is told, developers get a report, no reflection leaks."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import text

from bot.config import Settings
from bot.ports import ManualClock
from tests.harness import running_chat

SECRET = "a detail about a child that must stay private"
FAILURE = "disk I/O error while saving"


async def test_a_failure_is_reported_without_the_reflection(
    sqlite_url: str, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A broken database: apology to the carer; type, handler and an id to the dev chat."""
    settings = Settings(database_url=sqlite_url, dev_chat_id=4242, _env_file=None)
    async with running_chat(settings, clock) as chat:
        await chat.onboard()
        with chat.app.bot_data.services.db.engine.begin() as connection:
            connection.execute(
                text(  # the insert that carries the text fails
                    "create trigger refuse before insert on reflections "
                    f"begin select raise(abort, '{FAILURE}'); end"
                )
            )
        caplog.set_level(logging.DEBUG)
        calls = await chat.send(SECRET)
    to_carer = [call for call in calls if call.params.get("chat_id") == chat.user_id]
    to_developers = [call for call in calls if call.params.get("chat_id") == 4242]
    assert to_carer[-1].text.startswith("Sorry, something went wrong on my side")
    report = to_developers[-1].text
    assert "type: IntegrityError" in report
    assert "handler: bot.handlers.reflections.receive_text" in report
    incident = re.search(r"Unhandled error ([0-9a-f]{12})\b", report)
    assert incident, report
    # The same id and handler in the log, beside the traceback an operator needs.
    logged = [r for r in caplog.records if incident[1] in r.getMessage()]
    assert logged and logged[0].exc_info is not None
    assert "bot.handlers.reflections.receive_text" in logged[0].getMessage()
    # Never what the carer wrote, the exception's message, or a file path.
    assert SECRET not in report
    assert FAILURE not in report and "raise(abort" not in report
    assert "/" not in report and ".py" not in report
    assert SECRET not in caplog.text
