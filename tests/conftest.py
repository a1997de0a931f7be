"""Shared fixtures: a real Application on a recording Bot API, a manual clock, databases."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from bot.app import BotApplication
from bot.config import PROJECT_ROOT, Settings
from bot.i18n import Translator
from bot.ports import ManualClock
from bot.sandbox.api import LocalBotApi
from tests.harness import Chat, running_chat

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# A Monday evening in November, London time = UTC.
START = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def known_msgids() -> set[str]:
    """Every msgid in the extracted template."""
    with (PROJECT_ROOT / "locales" / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    ids: set[str] = set()
    for message in template:
        ids.update([message.id] if isinstance(message.id, str) else message.id)
    return ids


@pytest.fixture(autouse=True)
def fail_on_unknown_msgid(monkeypatch: pytest.MonkeyPatch, known_msgids: set[str]) -> None:
    """Any gettext call with a msgid missing from the template fails the test using it."""
    original_gettext, original_ngettext = Translator.gettext, Translator.ngettext

    def gettext(self: Translator, message: str) -> str:
        assert message in known_msgids, f"msgid missing from messages.pot: {message!r}"
        return original_gettext(self, message)

    def ngettext(self: Translator, singular: str, plural: str, count: int) -> str:
        assert {singular, plural} <= known_msgids, f"msgid missing: {singular!r}"
        return original_ngettext(self, singular, plural, count)

    monkeypatch.setattr(Translator, "gettext", gettext)
    monkeypatch.setattr(Translator, "ngettext", ngettext)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'bot.db'}"


@pytest.fixture(scope="session")
def postgres_available() -> bool:
    engine = create_engine(POSTGRES_URL)
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    except OperationalError:
        return False
    finally:
        engine.dispose()
    return True


@pytest.fixture
def postgres_url(postgres_available: bool) -> Iterator[str]:
    """A fresh schema per test in the local PostgreSQL; required in CI."""
    if not postgres_available:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI but {POSTGRES_URL} is unreachable")
        pytest.skip("PostgreSQL not reachable")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'create schema "{schema}"'))
    yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'drop schema "{schema}" cascade'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Run a test on both supported databases."""
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    return Settings(database_url=sqlite_url, bot_token=None, _env_file=None)


@pytest.fixture
async def chat(settings: Settings, clock: ManualClock) -> AsyncIterator[Chat]:
    async with running_chat(settings, clock) as carer:
        yield carer


@pytest.fixture
def app(chat: Chat) -> BotApplication:
    return chat.app


@pytest.fixture
def api(chat: Chat) -> LocalBotApi:
    return chat.api
