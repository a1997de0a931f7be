"""The real process, long polling a local Bot API at DEBUG: nothing private in its output.

A group message and a private message from a named user arrive through getUpdates; the
group is told once and left, the private message is answered, and neither the message
texts, the user's name nor the token appear in anything the process printed.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs

from bot.config import PROJECT_ROOT
from bot.sandbox.api import BOT_USER
from tests.http_bot_api import JsonBotApi, serving

TOKEN = "7345123456:AAH-probe-token-value_0123456789"
NAME = "Zebulon-Probe"
PRIVATE_TEXT = "probe-secret-7781 she hid under the bed again"
GROUP_TEXT = "/journal probe-group-5523"
GROUP = -100777


def _update(update_id: int, chat: dict[str, Any], text: str) -> dict[str, Any]:
    user = {"id": 5150, "is_bot": False, "first_name": NAME, "language_code": "en"}
    message = {"message_id": update_id, "date": 1_700_000_000, "chat": chat, "from": user}
    message["text"] = text
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": 8}]
    return {"update_id": update_id, "message": message}


UPDATES = [
    _update(1, {"id": GROUP, "type": "supergroup", "title": "Carers"}, GROUP_TEXT),
    _update(2, {"id": 5150, "type": "private", "first_name": NAME}, PRIVATE_TEXT),
]


class _FakeBotApi(JsonBotApi):
    """Answer the Bot API methods a polling bot calls; hand out the updates once."""

    calls: ClassVar[list[tuple[str, dict[str, Any]]]] = []
    served: ClassVar[bool] = False

    def do_POST(self) -> None:
        method = self.path.rsplit("/", 1)[-1]
        length = int(self.headers.get("Content-Length", 0))
        raw = self.rfile.read(length).decode() if length else ""
        params = json.loads(raw) if raw.startswith("{") else _form(raw)
        type(self).calls.append((method, params))
        self.reply({"ok": True, "result": self._result(method, params)})

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            if type(self).served:
                time.sleep(0.3)
                return []
            type(self).served = True
            return UPDATES
        if method == "sendMessage":
            chat = {"id": params.get("chat_id"), "type": "private"}
            return {"message_id": 99, "date": 1_700_000_000, "chat": chat, "text": "ok"}
        return True


def _form(raw: str) -> dict[str, Any]:
    """Read an url-encoded body; ids come back as numbers, as in JSON."""
    fields = {key: values[-1] for key, values in parse_qs(raw).items()}
    return {k: int(v) if v.lstrip("-").isdigit() else v for k, v in fields.items()}


def _sent_to(chat_id: int) -> list[dict[str, Any]]:
    return [p for m, p in _FakeBotApi.calls if m == "sendMessage" and p.get("chat_id") == chat_id]


def test_a_polling_process_at_debug_prints_nothing_private(tmp_path: Path) -> None:
    """Real HTTP, real process, LOG_LEVEL=debug: group refused, carer answered, nothing leaks."""
    with serving(_FakeBotApi) as url:
        output = _run_until_answered(tmp_path, url)
    assert "Processing update" in output and "getUpdates" in output  # it did log at DEBUG
    assert "I only work in private chats" in _sent_to(GROUP)[0]["text"]
    assert any(m == "leaveChat" for m, _ in _FakeBotApi.calls)
    assert "send /start" in _sent_to(5150)[0]["text"]
    for private in (PRIVATE_TEXT, "probe-secret", "probe-group", NAME, TOKEN.partition(":")[2]):
        assert private not in output, private
    assert "Traceback" not in output


def _run_until_answered(tmp_path: Path, url: str) -> str:
    """Run the bot until both chats were answered, stop it as an operator would, return output."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(PROJECT_ROOT),
            "HOME": str(tmp_path),
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.db'}",
            "LOG_LEVEL": "debug",
        },
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not (_sent_to(5150) and _sent_to(GROUP)):
            time.sleep(0.2)
        time.sleep(0.5)
    finally:
        process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    return output
