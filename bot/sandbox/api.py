"""LocalBotApi: a recording ``telegram.request.BaseRequest`` that answers like the Bot API."""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

BOT_USER = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Secure Base",
    "username": "securebase_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
FIXED_DATE = 1_700_000_000


@dataclass
class ApiCall:
    """One recorded Bot API call."""

    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    message_id: int | None = None
    at: float = field(default_factory=time.monotonic)  # when the call reached the API

    @property
    def text(self) -> str:
        """Return the text or caption the call showed the user."""
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """Return (label, callback data) of every inline button."""
        markup = self.params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        return [
            (button["text"], button.get("callback_data", ""))
            for row in markup.get("inline_keyboard", [])
            for button in row
        ]


Listener = Callable[[ApiCall], None]


class MessageIds:
    """Message ids are per chat and shared by both directions; update ids are per bot."""

    def __init__(self) -> None:
        """Start every chat, and the bot's update sequence, at 1."""
        self._last: dict[int, int] = {}
        self._last_update = 0

    def next_update(self) -> int:
        """Return the bot's next update id, as Telegram numbers updates across all chats."""
        self._last_update += 1
        return self._last_update

    def next(self, chat_id: int) -> int:
        """Return the next id in a chat."""
        self._last[chat_id] = self._last.get(chat_id, 0) + 1
        return self._last[chat_id]


class LocalBotApi(BaseRequest):
    """Answer Bot API methods locally, record every call, and optionally fail on demand."""

    def __init__(self, *, listener: Listener | None = None, ids: MessageIds | None = None) -> None:
        """Record into ``calls``; ``listener`` sees each call as it happens (sandbox output)."""
        self.calls: list[ApiCall] = []
        self.ids = ids or MessageIds()
        self._listener = listener
        self._failures: list[tuple[str, int, str, int | None]] = []
        self._network_failures = 0
        self._lost_answers = 0
        self._rate: tuple[int, int] | None = None
        self._recent_sends: deque[float] = deque()
        self._latency = 0.0
        self.too_many_requests = 0  # 429s answered because of enforce_rate

    @property
    def read_timeout(self) -> float | None:
        """No network, so no timeout."""
        return None

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    def fail_next(
        self, method: str, *, status: int, description: str, retry_after: int | None = None
    ) -> None:
        """Make the next call of ``method`` return a Bot API error (429 with ``retry_after``)."""
        self._failures.append((method, status, description, retry_after))

    def drop_connection_next(self, times: int = 1) -> None:
        """Make the next calls fail to connect, as if Telegram were unreachable."""
        self._network_failures += times

    def time_out_after_sending_next(self) -> None:
        """Deliver the next message, then lose the answer: the sender cannot know it arrived."""
        self._lost_answers += 1

    def enforce_rate(self, per_second: int, *, retry_after: int = 1) -> None:
        """Answer 429 to sendMessage calls beyond ``per_second`` in any one-second window."""
        self._rate = (per_second, retry_after)

    def add_latency(self, seconds: float) -> None:
        """Make every call take a round trip of ``seconds``."""
        self._latency = seconds

    def sent(self, method: str = "sendMessage") -> list[ApiCall]:
        """Return the recorded calls of one method."""
        return [call for call in self.calls if call.method == method]

    async def do_request(  # noqa: PLR0913, PLR0917 - signature fixed by BaseRequest
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        """Record the call and return what the Bot API would."""
        endpoint = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files = {
            name: _content(part)
            for name, part in (
                request_data.multipart_data.items()
                if request_data and request_data.contains_files
                else []
            )
        }
        if self._latency and endpoint != "getUpdates":
            await asyncio.sleep(self._latency)
        if self._network_failures and endpoint != "getUpdates":
            self._network_failures -= 1
            raise NetworkError("sandbox: connection dropped") from httpx.ConnectError("refused")
        for index, (method_name, status, description, wait) in enumerate(self._failures):
            if method_name == endpoint:
                del self._failures[index]
                return _error(status, description, wait)
        if endpoint == "sendMessage" and self._over_rate():
            self.too_many_requests += 1
            assert self._rate is not None
            return _error(429, "Too Many Requests: retry later", self._rate[1])
        refusal = _refusal(endpoint, params)
        if refusal is not None:
            return 400, json.dumps(
                {"ok": False, "error_code": 400, "description": refusal}
            ).encode()
        call = ApiCall(endpoint, params, files)
        result = self._result(call)
        if endpoint != "getUpdates":
            self.calls.append(call)
            if self._listener:
                self._listener(call)
        if self._lost_answers and endpoint == "sendMessage":
            self._lost_answers -= 1
            raise TimedOut("sandbox: read timed out") from httpx.ReadTimeout("lost answer")
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _over_rate(self) -> bool:
        """Track sendMessage calls in a sliding one-second window, as Telegram's flood control."""
        if self._rate is None:
            return False
        now = time.monotonic()
        while self._recent_sends and now - self._recent_sends[0] >= 1.0:
            self._recent_sends.popleft()
        if len(self._recent_sends) >= self._rate[0]:
            return True
        self._recent_sends.append(now)
        return False

    def _result(self, call: ApiCall) -> Any:
        if call.method == "getMe":
            return BOT_USER
        if call.method == "getUpdates":
            return []
        if call.method in {
            "sendMessage",
            "sendDocument",
            "sendPhoto",
            "editMessageText",
            "editMessageReplyMarkup",
        }:
            return self._message(call)
        return True

    def _message(self, call: ApiCall) -> dict[str, Any]:
        chat_id = int(call.params.get("chat_id", 0))
        message_id = (
            int(call.params["message_id"])
            if "message_id" in call.params
            else self.ids.next(chat_id)
        )
        call.message_id = message_id
        result: dict[str, Any] = {
            "message_id": message_id,
            "date": FIXED_DATE,
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT_USER,
        }
        if call.method == "sendDocument":
            result["document"] = {
                "file_id": f"doc{message_id}",
                "file_unique_id": f"u{message_id}",
            }
        elif call.method == "sendPhoto":
            result["photo"] = [
                {
                    "file_id": f"photo{message_id}",
                    "file_unique_id": f"p{message_id}",
                    "width": 1,
                    "height": 1,
                }
            ]
            result["caption"] = call.text
        else:
            result["text"] = call.text
        return result


TEXT_LIMIT = 4096  # UTF-16 code units
CALLBACK_DATA_LIMIT = 64  # bytes


def _error(status: int, description: str, retry_after: int | None) -> tuple[int, bytes]:
    """Render a Bot API error body; 429s carry ``parameters.retry_after`` as Telegram's do."""
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return status, json.dumps(body).encode()


def _refusal(method: str, params: dict[str, Any]) -> str | None:
    """Refuse what the real Bot API refuses: over-long texts and callback data."""
    text = params.get("text")
    is_text = method in {"sendMessage", "editMessageText"} and isinstance(text, str)
    if is_text and len(str(text).encode("utf-16-le")) // 2 > TEXT_LIMIT:
        return "Bad Request: message is too long"
    markup = params.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    for row in markup.get("inline_keyboard", []) if isinstance(markup, dict) else []:
        for button in row:
            if len(button.get("callback_data", "").encode()) > CALLBACK_DATA_LIMIT:
                return "Bad Request: BUTTON_DATA_INVALID"
    return None


def _content(part: Any) -> bytes:
    """Return the bytes of a multipart entry: (filename, content, mimetype)."""
    content = part[1] if isinstance(part, tuple) else part
    return content if isinstance(content, bytes) else bytes(content.read())
