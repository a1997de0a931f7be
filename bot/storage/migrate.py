"""Apply Alembic migrations programmatically (``python -m bot db upgrade`` and at start-up)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest revision in migrations/versions; a test keeps it equal to Alembic's own head.
HEAD_REVISION = "0006"
VERSION_TABLE = "alembic_version"


def alembic_config(engine: Engine) -> Config:
    """Build an Alembic config that reuses an existing engine."""
    from alembic.config import Config  # noqa: PLC0415 - Alembic loads only when it has work

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision``."""
    from alembic import command  # noqa: PLC0415 - Alembic loads only when it has work

    command.upgrade(alembic_config(engine), revision)


def ensure_current(engine: Engine) -> bool:
    """Upgrade to head unless the database is there already; say whether anything ran.

    A restart against an up-to-date database, the usual case, costs one query and never
    imports Alembic; anything else (empty, behind, or unknown) goes through Alembic as before.
    """
    if stamped_revisions(engine) == [HEAD_REVISION]:
        return False
    upgrade(engine)
    return True


def stamped_revisions(engine: Engine) -> list[str]:
    """Read the revisions Alembic recorded in the database (none for an empty one)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return []
        rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
        return sorted(rows.scalars())
