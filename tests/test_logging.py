"""Logs never carry what carers wrote, who they are, or the bot token, at any level."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote

import pytest
from pydantic import SecretStr, ValidationError
from telegram import Chat as TelegramChat
from telegram import Message, User
from telegram.error import InvalidToken

import bot.__main__ as entry
from bot.config import PROJECT_ROOT, Settings
from bot.logs import (
    HANDLER_NAME,
    PRIVATE_FIELDS,
    REDACTED,
    UNLOGGABLE,
    RedactingFilter,
    configure_logging,
)
from bot.ports import ManualClock
from bot.sandbox.updates import UpdateFactory
from tests.harness import Chat, running_chat
from tests.http_bot_api import JsonBotApi, serving
from tests.light import light_agency

TOKEN = "7345123456:AAH-secret-token-value_xyz"
TOKEN_TAIL = TOKEN.partition(":")[2]
MARK = "Qx7-private-marker"
NAME = "Ximena-Qx7"
# Both kinds of quote, a newline, an emoji and non-ASCII: every escape a repr or JSON makes.
TEXT = f"{MARK} he said \"I hate bedtime\" and I said 'I'm here'\nthen we read 📚 juntos, niño"
REJECTED = "Telegram rejected BOT_TOKEN (HTTP 401/404): check the token with @BotFather"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Put the root logger back as pytest had it, so other tests are unaffected."""
    root = logging.getLogger()
    level = root.level
    yield
    for handler in root.handlers[:]:
        if handler.name == HANDLER_NAME:
            root.removeHandler(handler)
        for redactor in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
            handler.removeFilter(redactor)
    root.setLevel(level)


@pytest.fixture
def log(restore_logging: None) -> io.StringIO:
    """Everything every logger writes at DEBUG, as an operator would see it."""
    stream = io.StringIO()
    configure_logging("debug", secrets=[TOKEN], stream=stream)
    return stream


def assert_private(output: str) -> None:
    assert MARK not in output
    assert NAME not in output
    assert "I hate bedtime" not in output
    assert TOKEN_TAIL not in output


# A whole journey ---------------------------------------------------------------------------


async def _as_polling_does(chat: Chat, *updates: object) -> None:
    """Feed updates through the update queue, where PTB logs 'Processing update <repr>'."""
    await chat.app.start()
    for update in updates:
        await chat.app.update_queue.put(update)
    await chat.app.update_queue.join()
    await chat.app.stop()


async def test_a_whole_journey_at_debug_logs_nothing_private(
    sqlite_url: str, clock: ManualClock, log: io.StringIO
) -> None:
    """Onboarding, a reflection, /journal, /export, a prompt and its answer: all redacted."""
    settings = Settings(database_url=sqlite_url, bot_token=SecretStr(TOKEN), _env_file=None)
    async with running_chat(settings, clock) as chat:
        chat.users = UpdateFactory(
            chat.app.bot, chat.api.ids, user_id=chat.user_id, first_name=NAME
        )
        await chat.onboard()
        await chat.send(TEXT)
        await chat.send("/journal")
        await chat.send("/export")
        clock.set(datetime(2026, 11, 23, 19, 30, 1, tzinfo=UTC))
        assert await chat.run_sweep(), "the scheduled prompt goes out"
        prompt = chat.last_prompt()
        answer = next(data for label, data in prompt.buttons if label == "Answer")
        assert prompt.message_id is not None
        tap = chat.users.callback(answer, message_id=prompt.message_id)
        await _as_polling_does(chat, tap, chat.users.text(f"{MARK} and {NAME} slept well"))
        assert any(MARK in text for text in chat.texts()), "the journal did show the reflection"
    output = log.getvalue()
    # The lines that would have carried it all are there...
    assert "Set Bot API URL" in output
    assert "Processing update Update(" in output
    assert "Calling Bot API endpoint `sendMessage`" in output
    assert "Calling Bot API endpoint `sendDocument`" in output
    assert f"text='{REDACTED}'" in output
    assert f"data='{REDACTED}'" in output
    # ...but not what the carer wrote, their name, or the token.
    assert_private(output)
    assert TOKEN not in output


# The filter, record by record --------------------------------------------------------------


def _message() -> Message:
    return Message(
        message_id=1,
        date=datetime(2026, 11, 23, tzinfo=UTC),
        chat=TelegramChat(id=1, type="private", first_name=NAME),
        from_user=User(id=1, is_bot=False, first_name=NAME, username=NAME),
        text=TEXT,
    )


FORMS = {
    "ptb repr": _message(),
    "dict repr": {"chat_id": 1, "text": TEXT, "from": {"first_name": NAME}},
    "json": json.dumps({"text": TEXT, "from": {"first_name": NAME}}),
    "json, non-ascii": json.dumps({"text": TEXT}, ensure_ascii=False),
    "json bytes": json.dumps({"ok": True, "result": [{"text": TEXT}]}).encode(),
    "json in a string": json.dumps(json.dumps({"text": TEXT, "first_name": NAME})),
    "cut off": repr({"text": TEXT})[:40],
}


@pytest.mark.parametrize("logger", ["telegram.ext.Application", "httpx", "apscheduler"])
@pytest.mark.parametrize("form", FORMS)
def test_every_quoting_form_is_redacted(log: io.StringIO, logger: str, form: str) -> None:
    """PTB reprs, dict reprs, JSON (plain, nested, bytes, cut off) lose their private values."""
    logging.getLogger(logger).debug("payload %s", FORMS[form])
    output = log.getvalue()
    assert MARK in str(FORMS[form]) or MARK in repr(FORMS[form])  # it was there to leak
    assert "payload" in output and REDACTED in output
    assert_private(output)


@pytest.mark.parametrize("field", PRIVATE_FIELDS)
def test_each_private_field_is_redacted_as_keyword_and_key(log: io.StringIO, field: str) -> None:
    """Both `field='…'` and `'field': '…'` lose the value and keep the key."""
    logging.getLogger("telegram").debug("%s=%r {%r: %r}", field, MARK, field, MARK)
    output = log.getvalue()
    assert MARK not in output
    assert f"{field}='{REDACTED}'" in output and f"'{field}': '{REDACTED}'" in output


def test_other_values_stay_readable(log: io.StringIO) -> None:
    """Ids, endpoints and states are what an operator debugs with; they are kept."""
    logging.getLogger("telegram.ext.ExtBot").debug(
        "Calling Bot API endpoint `%s` with parameters `%s`",
        "sendMessage",
        {"chat_id": 1001, "text": TEXT, "message_id": 7},
    )
    assert "`sendMessage` with parameters `{'chat_id': 1001, 'text': '" in log.getvalue()
    assert "'message_id': 7}`" in log.getvalue()


@pytest.mark.parametrize(
    ("logger", "line"),
    [
        ("httpx", f'HTTP Request: POST https://api.telegram.org/bot{TOKEN}/getMe "200 OK"'),
        ("telegram.ext.ExtBot", f"Set Bot API URL: http://127.0.0.1:8081/bot{TOKEN}"),
        ("httpx", "GET " + quote(f"https://api.telegram.org/file/bot{TOKEN}/doc", safe="")),
        ("apscheduler", f"token part alone: {TOKEN_TAIL}"),
    ],
)
def test_the_token_is_redacted_in_urls(log: io.StringIO, logger: str, line: str) -> None:
    """The token is replaced as written, URL-encoded, or its secret half alone."""
    logging.getLogger(logger).info(line)
    assert TOKEN_TAIL not in log.getvalue()
    assert REDACTED in log.getvalue()


def test_a_token_shaped_string_is_redacted_even_unannounced(restore_logging: None) -> None:
    """A token that reaches a log before its secret is known is still recognised."""
    stream = io.StringIO()
    configure_logging("INFO", stream=stream)
    logging.getLogger("httpx").info(f"POST https://api.telegram.org/bot{TOKEN}/getMe")
    assert TOKEN_TAIL not in stream.getvalue()


def test_exception_text_is_redacted(log: io.StringIO) -> None:
    """A traceback whose message holds the token and user text keeps neither."""
    try:
        raise InvalidToken(f"The token `{TOKEN}` was rejected; update text='{MARK}'")
    except InvalidToken:
        logging.getLogger("apscheduler.executors.default").exception("Job %r raised", "sweep")
    output = log.getvalue()
    assert "Traceback" in output and "InvalidToken" in output
    assert_private(output)


def test_stack_info_is_redacted(log: io.StringIO) -> None:
    """A stack printed with the record is redacted too."""
    logger = logging.getLogger("telegram")
    stack = f'Stack (most recent call last):\n  File "x.py", line 1\n    get(f"/bot{TOKEN}")'
    logger.handle(
        logger.makeRecord("telegram", logging.DEBUG, "x.py", 1, "here", (), None, sinfo=stack)
    )
    output = log.getvalue()
    assert "Stack (most recent call last)" in output
    assert TOKEN_TAIL not in output


class _Unprintable:
    def __str__(self) -> str:
        raise RuntimeError(TOKEN)


def test_a_record_that_cannot_be_rendered_is_still_written_safely(
    log: io.StringIO, capsys: pytest.CaptureFixture[str]
) -> None:
    """Odd arguments never raise out of the filter, never lose the line, never leak."""
    logger = logging.getLogger("telegram")
    logger.info("%d items", "many")
    logger.info("%s and %s", "only one")  # noqa: PLE1206 - the point of the test
    logger.info("%s", _Unprintable())
    assert log.getvalue().count(UNLOGGABLE) == 3
    assert "Logging error" not in capsys.readouterr().err


def test_the_filter_itself_never_raises() -> None:
    """A record with a broken exc_info is kept and emptied, not raised."""
    record = logging.LogRecord("httpx", logging.ERROR, __file__, 1, TOKEN, None, None)
    record.exc_info = ("not", "an", "exception")  # type: ignore[assignment]
    assert RedactingFilter([TOKEN]).filter(record) is True
    assert record.getMessage() == UNLOGGABLE and record.exc_info is None


def test_an_exception_escaping_the_cli_is_printed_redacted(
    log: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`python -m bot` reports an unexpected error through the same redaction, then exits 1."""

    def broken() -> int:
        raise RuntimeError(f"boom at /bot{TOKEN}/getMe with text='{MARK}'")

    monkeypatch.setattr(entry, "main", broken)
    assert entry.guarded_main() == 1
    output = log.getvalue()
    assert "unexpected error" in output and "RuntimeError" in output
    assert_private(output)


def test_an_exception_before_logging_is_set_up_is_printed_redacted(
    restore_logging: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no redacting handler yet, the error still goes out redacted, to stderr."""

    def broken() -> int:
        raise RuntimeError(f"boom at /bot{TOKEN}/getMe with text='{MARK}'")

    monkeypatch.setattr(entry, "main", broken)
    assert entry.guarded_main() == 1
    err = capsys.readouterr().err
    assert "RuntimeError" in err
    assert_private(err)


# LOG_LEVEL ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "level"), [("debug", "DEBUG"), ("Info", "INFO"), ("ERROR", "ERROR")]
)
def test_log_level_is_accepted_in_any_case(given: str, level: str) -> None:
    """LOG_LEVEL=debug works, as people type it."""
    assert Settings(log_level=given, _env_file=None).log_level == level


def test_log_level_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment variable goes through the same normalisation."""
    monkeypatch.setenv("LOG_LEVEL", "debug")
    assert Settings(_env_file=None).log_level == "DEBUG"


def test_an_unknown_log_level_is_refused_with_the_accepted_names() -> None:
    """LOG_LEVEL=loud fails validation and says what would work."""
    with pytest.raises(
        ValidationError, match="must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL"
    ):
        Settings(log_level="loud", _env_file=None)


# Start-up through the real HTTP stack ------------------------------------------------------


class _RejectingBotApi(JsonBotApi):
    status: ClassVar[int] = 401
    paths: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        type(self).paths.append(self.path)
        error = {"ok": False, "error_code": self.status, "description": "Unauthorized"}
        self.reply(error, self.status)


def _run_bot(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,  # no .env from the working copy
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(PROJECT_ROOT),
            "HOME": str(tmp_path),
            "BOT_TOKEN": TOKEN,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
            "LOG_LEVEL": "DEBUG",
            "AGENCY_DIR": str(light_agency(tmp_path)),
            **env,
        },
    )


@pytest.mark.parametrize("status", [401, 404])
def test_a_rejected_token_is_one_clear_line_and_exit_2(tmp_path: Path, status: int) -> None:
    """Telegram refusing the token: no traceback, never the token, even at DEBUG."""
    _RejectingBotApi.status, _RejectingBotApi.paths = status, []
    with serving(_RejectingBotApi) as url:
        result = _run_bot(tmp_path, TELEGRAM_API_URL=url)
    assert _RejectingBotApi.paths == [f"/bot{TOKEN}/getMe"]  # the token did go over the wire
    assert result.returncode == 2, result.stderr
    assert REJECTED in result.stderr.splitlines()
    assert "Traceback" not in result.stderr + result.stdout
    assert f"bot{REDACTED}/getMe" in result.stderr  # httpx logged the URL, redacted
    assert TOKEN_TAIL not in result.stderr + result.stdout


def test_an_unknown_log_level_stops_the_bot_with_a_clear_message(tmp_path: Path) -> None:
    """LOG_LEVEL=loud: the accepted names on stderr, exit 2, no traceback."""
    result = _run_bot(tmp_path, LOG_LEVEL="loud")
    assert result.returncode == 2
    assert "LOG_LEVEL: must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL" in result.stderr
    assert "Traceback" not in result.stderr
    assert TOKEN_TAIL not in result.stderr + result.stdout
