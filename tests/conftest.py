"""Shared fixtures: a real Application on a recording Bot API, a manual clock, databases."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from bot.app import BotApplication, build_application, on_startup
from bot.config import Settings
from bot.ports import ManualClock
from bot.sandbox.api import LocalBotApi, MessageIds
from tests.harness import Chat

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# A Monday evening in November, London time = UTC.
START = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


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
def api() -> LocalBotApi:
    return LocalBotApi(ids=MessageIds())


@pytest.fixture
async def app(
    settings: Settings, api: LocalBotApi, clock: ManualClock
) -> AsyncIterator[BotApplication]:
    application = build_application(settings, request=api, clock=clock)
    async with application:
        await on_startup(application)  # what run_polling calls as post_init
        yield application
    application.bot_data.services.db.dispose()


@pytest.fixture
def chat(app: BotApplication, api: LocalBotApi, clock: ManualClock) -> Chat:
    return Chat(app, api, clock)
