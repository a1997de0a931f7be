"""Webhook mode: only Telegram's secret gets an update handled; operators read /metrics.

The in-process tests drive the Starlette app over ASGI in the application's own event loop,
with the recording LocalBotApi as the Bot API. The process tests run ``python -m bot serve``
against a Bot API over real HTTP and post to its port.
"""

from __future__ import annotations

import asyncio
import json
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs

import httpx
import pytest

from bot.cli import ALLOWED_UPDATES
from bot.config import PROJECT_ROOT
from bot.sandbox.api import BOT_USER
from bot.services.status import DeliveryStatus
from bot.storage.models import PromptDelivery
from bot.web import SECRET_HEADER, DeliveryCollector, build_web_app
from tests.conftest import START
from tests.harness import Chat
from tests.http_bot_api import JsonBotApi, serving
from tests.light import light_agency

SECRET = "s3cret_Webhook-token"
GAUGES = (
    "securebase_delivery_backlog",
    "securebase_delivery_oldest_due_seconds",
    "securebase_delivery_send_rate",
    "securebase_delivery_stuck",
    "securebase_delivery_in_flight",
    "securebase_delivery_missed_24h",
    "securebase_delivery_ambiguous_24h",
    "securebase_delivery_failed_24h",
    "securebase_sender_held",
)


@pytest.fixture
async def client(chat: Chat) -> AsyncIterator[httpx.AsyncClient]:
    web = build_web_app(chat.app, secret=SECRET, path="/hook")
    transport = httpx.ASGITransport(app=web)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as http:
        yield http


def _start_body(chat: Chat) -> str:
    return chat.users.text("/start").to_json()


async def _post(client: httpx.AsyncClient, body: str, secret: str | None) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    return await client.post("/hook", content=body, headers=headers)


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET[:-1], SECRET + "x", SECRET.upper()])
async def test_an_update_without_the_secret_is_refused_and_never_handled(
    chat: Chat, client: httpx.AsyncClient, secret: str | None
) -> None:
    body = _start_body(chat)
    response = await _post(client, body, secret)
    assert response.status_code == 403
    assert chat.api.sent() == [] and chat.carer() is None
    # Not even its update id was taken: the same update with the secret is handled.
    assert (await _post(client, body, SECRET)).status_code == 200
    assert len(chat.api.sent()) == 1


async def test_an_update_with_the_secret_is_answered_before_the_response(
    chat: Chat, client: httpx.AsyncClient
) -> None:
    response = await _post(client, _start_body(chat), SECRET)
    assert response.status_code == 200
    [reply] = chat.api.sent()
    assert reply.params["chat_id"] == chat.user_id
    labels = [label for label, _ in reply.buttons]
    assert labels[:2] == ["English", "Español"] and "中文" in labels
    assert chat.carer() is not None


async def test_a_redelivered_update_is_answered_once(
    chat: Chat, client: httpx.AsyncClient
) -> None:
    body = _start_body(chat)
    for _ in range(2):
        assert (await _post(client, body, SECRET)).status_code == 200
    assert len(chat.api.sent()) == 1


async def test_one_chats_webhook_requests_at_once_are_handled_in_order(
    chat: Chat, client: httpx.AsyncClient
) -> None:
    """Telegram's two halves of a long paste, posted together: joined as one reflection."""
    await chat.onboard()
    halves, whole = chat.long_paste("We read a story and talked about his new school. ")
    posts = (_post(client, half.to_json(), SECRET) for half in halves)
    responses = await asyncio.gather(*posts)
    assert [response.status_code for response in responses] == [200, 200]
    assert [row.text for row in chat.reflections()] == [whole]


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2]",
        "{}",
        '{"message": {}}',
        '{"update_id": "7"}',
        '{"update_id": 7, "message": "text"}',
        '{"update_id": 7, "message": {"message_id": 1}}',
        '{"update_id": 7, "callback_query": []}',
    ],
)
async def test_a_body_that_is_no_update_is_a_bad_request(
    chat: Chat, client: httpx.AsyncClient, body: str
) -> None:
    assert (await _post(client, body, SECRET)).status_code == 400
    assert chat.api.sent() == []


async def test_the_webhook_takes_only_post(client: httpx.AsyncClient) -> None:
    response = await client.get("/hook", headers={SECRET_HEADER: SECRET})
    assert response.status_code == 405


async def test_healthz(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert (response.status_code, response.text) == (200, "ok")


def _gauges(body: str) -> dict[str, float]:
    """Read ``name value`` samples; a labelled sample would not match and fails the test."""
    samples: dict[str, float] = {}
    for line in body.splitlines():
        if line.startswith("#") or not line:
            continue
        match = re.fullmatch(r"(securebase_[a-z0-9_]+) ([0-9.e+-]+)", line)
        assert match, f"unexpected sample: {line}"
        samples[match[1]] = float(match[2])
    return samples


async def test_metrics_read_the_database_at_each_scrape(
    chat: Chat, client: httpx.AsyncClient
) -> None:
    await _post(client, _start_body(chat), SECRET)
    before = await client.get("/metrics")
    assert before.status_code == 200 and before.headers["content-type"].startswith("text/plain")
    assert _gauges(before.text) == dict.fromkeys(GAUGES, 0.0) | {"securebase_sender_held": 1.0}
    _add_due_delivery(chat, minutes_late=10)
    after = await client.get("/metrics")
    assert _gauges(after.text)["securebase_delivery_backlog"] == 1
    assert _gauges(after.text)["securebase_delivery_oldest_due_seconds"] == 600
    for private in (str(chat.user_id), "Sam", "availability.1"):
        assert private not in before.text + after.text


def _add_due_delivery(chat: Chat, *, minutes_late: int) -> None:
    carer = chat.carer()
    assert carer is not None and carer.id is not None
    with chat.app.bot_data.services.db.session_scope() as session:
        session.add(
            PromptDelivery(
                carer_id=carer.id,
                prompt_id="availability.1",
                dimension="availability",
                kind="scheduled",
                due_at=chat.clock.now() - timedelta(minutes=minutes_late),
                status="pending",
            )
        )


def test_sender_held_is_zero_when_no_process_holds_the_lock() -> None:
    snapshot = DeliveryStatus(START, 3, None, 0.5, 0, 0, 0, 0, 0, sender=None)
    samples = {m.name: m.samples[0].value for m in DeliveryCollector(lambda: snapshot).collect()}
    assert samples["securebase_sender_held"] == 0
    assert samples["securebase_delivery_backlog"] == 3
    assert samples["securebase_delivery_send_rate"] == 0.5


# The real process ------------------------------------------------------------------------

TOKEN = "7345123456:AAH-webhook-token-value_0123456789"
USER = 5150


class _FakeBotApi(JsonBotApi):
    """Answer what a webhook process calls at start-up and when it replies; record it all."""

    calls: ClassVar[list[tuple[str, dict[str, Any]]]] = []

    def do_POST(self) -> None:
        method = self.path.rsplit("/", 1)[-1]
        length = int(self.headers.get("Content-Length", 0))
        params = _form(self.rfile.read(length).decode())
        type(self).calls.append((method, params))
        if method == "getMe":
            self.reply({"ok": True, "result": BOT_USER})
        elif method == "sendMessage":
            chat = {"id": params.get("chat_id"), "type": "private"}
            message = {"message_id": 7, "date": 1_700_000_000, "chat": chat, "text": "ok"}
            self.reply({"ok": True, "result": message})
        else:
            self.reply({"ok": True, "result": True})


def _form(raw: str) -> dict[str, Any]:
    """Read PTB's url-encoded body; non-string values arrive JSON-encoded."""
    if raw.startswith("{"):
        return dict(json.loads(raw))
    fields: dict[str, Any] = {}
    for key, values in parse_qs(raw).items():
        try:
            fields[key] = json.loads(values[-1])
        except ValueError:
            fields[key] = values[-1]
    return fields


def _called(method: str) -> list[dict[str, Any]]:
    return [params for name, params in _FakeBotApi.calls if name == method]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(tmp_path: Path, api_url: str, **overrides: str | None) -> dict[str, str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(PROJECT_ROOT),
        "HOME": str(tmp_path),
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api_url,
        "WEBHOOK_URL": "https://example.org/hook",
        "WEBHOOK_SECRET": SECRET,
        "PORT": str(_free_port()),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "AGENCY_DIR": str(light_agency(tmp_path)),
    }
    env.update(overrides)  # type: ignore[arg-type]
    return {key: value for key, value in env.items() if value is not None}


@pytest.fixture
def process(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``python -m bot serve`` against a Bot API over HTTP; yield it and its root URL."""
    _FakeBotApi.calls.clear()
    with serving(_FakeBotApi) as api_url:
        env = _env(tmp_path, api_url)
        server = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            yield server, f"http://127.0.0.1:{env['PORT']}"
        finally:
            if server.poll() is None:
                server.kill()
                server.communicate(timeout=30)


def _http(url: str, *, body: bytes | None = None, secret: str | None = None) -> int:
    request = urllib.request.Request(url, data=body, method="POST" if body else "GET")
    request.add_header("Content-Type", "application/json")
    if secret is not None:
        request.add_header(SECRET_HEADER, secret)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def _wait_until_serving(server: subprocess.Popen[str], root: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if _called("setWebhook") and _http(f"{root}/healthz") == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    output = server.communicate(timeout=30)[0] if server.poll() is not None else ""
    raise AssertionError(f"serve never came up: {output}")


def _start_update(update_id: int) -> bytes:
    user = {"id": USER, "is_bot": False, "first_name": "Webhook-Probe", "language_code": "en"}
    message = {
        "message_id": update_id,
        "date": 1_700_000_000,
        "chat": {"id": USER, "type": "private", "first_name": "Webhook-Probe"},
        "from": user,
        "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    }
    return json.dumps({"update_id": update_id, "message": message}).encode()


def test_the_serve_process_registers_its_webhook_and_checks_the_secret(
    process: tuple[subprocess.Popen[str], str],
) -> None:
    server, root = process
    _wait_until_serving(server, root)
    [registered] = _called("setWebhook")
    assert registered["url"] == "https://example.org/hook"
    assert registered["secret_token"] == SECRET
    assert registered["allowed_updates"] == ALLOWED_UPDATES
    assert registered["drop_pending_updates"] is False
    assert _http(f"{root}/hook", body=_start_update(1)) == 403
    assert _http(f"{root}/hook", body=_start_update(1), secret="wrong") == 403
    assert _called("sendMessage") == []
    assert _http(f"{root}/hook", body=_start_update(1), secret=SECRET) == 200
    assert [p["chat_id"] for p in _called("sendMessage")] == [USER]
    server.send_signal(signal.SIGTERM)
    output, _ = server.communicate(timeout=60)
    assert server.returncode == 0, output
    assert _called("deleteWebhook") == []  # the other processes still serve it
    assert "Traceback" not in output
    for private in (SECRET, TOKEN.partition(":")[2], "Webhook-Probe"):
        assert private not in output


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"WEBHOOK_SECRET": None}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_URL": None}, "WEBHOOK_URL"),
        ({"BOT_TOKEN": None}, "BOT_TOKEN"),
        ({"WEBHOOK_URL": "http://example.org/hook"}, "WEBHOOK_URL"),
        ({"WEBHOOK_SECRET": "has spaces and !"}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_SECRET": "x" * 257}, "WEBHOOK_SECRET"),
    ],
)
def test_serve_refuses_to_start_without_a_usable_webhook(
    tmp_path: Path, overrides: dict[str, str | None], named: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "serve"],
        cwd=tmp_path,
        env=_env(tmp_path, "http://127.0.0.1:9", **overrides),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("serve did not start:") and named in line
    assert "has spaces" not in line  # a rejected secret is never echoed
