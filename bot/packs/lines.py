"""Map TOML keys to the line they are written on, so errors read as ``file:line: message``."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

Key = tuple[str | int, ...]

_ARRAY_TABLE = re.compile(r"^\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]")
_TABLE = re.compile(r"^\[\s*([A-Za-z0-9_.-]+)\s*\]")
_ASSIGNMENT = re.compile(r"^([A-Za-z0-9_.-]+)\s*=\s*(.*)$")


class LineIndex:
    """Remember where each table, array item and key of a TOML document starts."""

    def __init__(self, text: str) -> None:
        """Keep ``text``; it is scanned only when a problem needs its line (rarely)."""
        # As UTF-8 bytes: as text, one emoji makes Python store every character in four bytes.
        self._source = text.encode("utf-8")
        self._scanned: dict[Key, int] | None = None

    @property
    def _lines(self) -> dict[Key, int]:
        if self._scanned is None:
            self._scanned = _scan(self._source.decode("utf-8"))
        return self._scanned

    def line_of(self, key: Sequence[str | int]) -> int:
        """Return the line of the longest known prefix of ``key``, or 1."""
        for size in range(len(key), 0, -1):
            found = self._lines.get(tuple(key[:size]))
            if found is not None:
                return found
        return 1


def _scan(text: str) -> dict[Key, int]:
    """Find the line where each table, array item and key starts."""
    lines: dict[Key, int] = {}
    counters: defaultdict[Key, int] = defaultdict(int)
    table: Key = ()
    closing: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if closing:
            closing = None if closing in line else closing
            continue
        if match := _ARRAY_TABLE.match(line):
            name: Key = tuple(match[1].split("."))
            table = (*name, counters[name])
            counters[name] += 1
        elif match := _TABLE.match(line):
            table = tuple(match[1].split("."))
        elif match := _ASSIGNMENT.match(line):
            parts = match[1].split(".")
            for size in range(1, len(parts) + 1):  # 'text.en' also marks where 'text' starts
                lines.setdefault((*table, *parts[:size]), number)
            closing = _opens_multiline(match[2])
            continue
        else:
            continue
        lines.setdefault(table, number)
    return lines


def _opens_multiline(value: str) -> str | None:
    for delimiter in ('"""', "'''"):
        if value.startswith(delimiter) and value.count(delimiter) == 1:
            return delimiter
    return None
