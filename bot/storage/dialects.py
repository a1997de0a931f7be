"""INSERT … ON CONFLICT per dialect; PostgreSQL's module loads only in a PostgreSQL process."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql


def postgresql_insert(table: Any) -> postgresql.Insert:
    """PostgreSQL's INSERT, whose dialect a SQLite deployment never imports (40 ms at start)."""
    module = importlib.import_module("sqlalchemy.dialects.postgresql")
    return cast("postgresql.Insert", module.insert(table))
