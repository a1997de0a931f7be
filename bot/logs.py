"""Logging that cannot carry what carers wrote, who they are, or the bot token."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import TextIO
from urllib.parse import quote, quote_plus

REDACTED = "<redacted>"
UNLOGGABLE = "<unloggable record>"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
HANDLER_NAME = "bot.redacting"

# Telegram fields that carry what people wrote, tapped or shared, or who they are.
PRIVATE_FIELDS = (
    "text",
    "caption",
    "first_name",
    "last_name",
    "username",
    "data",
    "callback_data",
    "title",
    "query",
    "question",
    "explanation",
    "bio",
    "description",
    "phone_number",
    "vcard",
    "address",
    "file_name",
    "url",
    "sender_user_name",
    "latitude",
    "longitude",
)
_NAMES = "|".join(PRIVATE_FIELDS)
# A key as a keyword (text=), or quoted as in a dict repr or JSON ('text': / "text": / \"text\":),
# then its value: a quoted string that may be cut off, an escaped string nested in a string,
# or a bare value (None, a number, a URL query value). Inside a quoted string a quote after
# any backslashes never ends it: JSON inside a repr escapes its quotes as \\", and reading
# too far only redacts more.
_FIELD = re.compile(
    rf"""(?P<key>(?<![\w.])(?:{_NAMES})=|(?P<q>\\*['"])(?:{_NAMES})(?P=q)\s*:\s*)"""
    r"""(?P<value>'(?:[^'\\]|\\+[^\\])*'?|"(?:[^"\\]|\\+[^\\])*"?"""
    r"""|(?P<nested>\\+['"]).*?(?:(?<!\\)(?P=nested)|\Z)|[^\s,;)}\]&'"]+)""",
    re.DOTALL,
)
# Any bot-token-shaped string, in case one reaches a log before its secret is known.
_TOKEN_SHAPE = re.compile(r"\d{5,}(?::|%3A)[\w-]{20,}", re.IGNORECASE)
_TRACEBACKS = logging.Formatter()


def _field(match: re.Match[str]) -> str:
    """Keep the key and the quoting, so a redacted line still reads like the original."""
    value = match["value"]
    if match["nested"]:
        return f"{match['key']}{match['nested']}{REDACTED}{match['nested']}"
    quote_char = value[0] if value[0] in "'\"" else ""
    return f"{match['key']}{quote_char}{REDACTED}{quote_char}"


def _secret_pattern(secrets: Iterable[str]) -> re.Pattern[str] | None:
    """Match each secret as written, URL-encoded, and its part after the colon alone."""
    forms: set[str] = set()
    for secret in filter(None, secrets):
        tail = secret.partition(":")[2]
        forms.update({secret, quote(secret, safe=""), quote_plus(secret)})
        forms.update({tail} if len(tail) >= 8 else set())
    if not forms:
        return None
    alternatives = sorted(map(re.escape, forms), key=len, reverse=True)
    return re.compile("|".join(alternatives), re.IGNORECASE)


class RedactingFilter(logging.Filter):
    """Rewrite each record so no secret and no user-written field value leaves the process."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        """Remember the secrets (the bot token) to replace wherever they appear."""
        super().__init__()
        self._secrets = _secret_pattern(secrets)

    def redact(self, text: str) -> str:
        """Replace secrets first, so a token inside a field value is gone either way."""
        if self._secrets is not None:
            text = self._secrets.sub(REDACTED, text)
        return _FIELD.sub(_field, _TOKEN_SHAPE.sub(REDACTED, text))

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place and keep it: a filter that raised would lose the line."""
        try:
            self._redact_record(record)
        except Exception:  # anything at all: the line must still be written, safely
            record.msg, record.args = UNLOGGABLE, None
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True

    def _redact_record(self, record: logging.LogRecord) -> None:
        """Render the message and traceback once, so handlers only ever see redacted text."""
        record.msg, record.args = self.redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = _TRACEBACKS.formatException(record.exc_info)
        # Formatters print exc_text as it is; without exc_info none can re-render the original.
        record.exc_info = None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)


def configure_logging(
    level: str | int, *, secrets: Iterable[str] = (), stream: TextIO | None = None
) -> None:
    """Send every logger's records, at every level, through one redacting root handler."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.name == HANDLER_NAME]:
        root.removeHandler(old)  # a second call replaces the first instead of doubling lines
    handler = logging.StreamHandler(stream)
    handler.name = HANDLER_NAME
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    redactor = RedactingFilter(secrets)
    for each in root.handlers:  # also any handler a host process added before us
        each.addFilter(redactor)
    root.setLevel(level.upper() if isinstance(level, str) else level)


def is_redacting(handler: logging.Handler) -> bool:
    """Tell whether a handler writes only records that went through a RedactingFilter."""
    return any(isinstance(f, RedactingFilter) for f in handler.filters)


def log_uncaught(error: BaseException) -> None:
    """Print an exception that escaped the command line redacted, never as a raw traceback."""
    root = logging.getLogger()
    if not root.handlers or not all(map(is_redacting, root.handlers)):
        configure_logging(logging.WARNING)
    logging.getLogger("bot").critical("unexpected error; stopping", exc_info=error)
