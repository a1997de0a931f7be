"""Two-locale content for tests that start a process: ten locales take ~20 s to compile."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from bot.config import PROJECT_ROOT

CONTENT = PROJECT_ROOT / "content"
LIGHT_LOCALES = ("en", "es")


def enable_only(content: Path, locales: tuple[str, ...] = LIGHT_LOCALES) -> Path:
    """Rewrite a content copy's ``locales.toml`` to enable only ``locales``; return the copy."""
    path = content / "locales.toml"
    text = path.read_text(encoding="utf-8")
    listed = ", ".join(f'"{locale}"' for locale in locales)
    light, count = re.subn(r"(?m)^enabled = \[.*\]$", f"enabled = [{listed}]", text)
    assert count == 1, "content/locales.toml has no one-line `enabled` list"
    path.write_text(light, encoding="utf-8")
    return content


def light_copy(tmp_path: Path, name: str = "content") -> Path:
    """Copy the shipped content with only English and Spanish enabled."""
    return enable_only(Path(shutil.copytree(CONTENT, tmp_path / name)))


def light_agency(tmp_path: Path) -> Path:
    """An agency folder that only narrows the shipped locales to English and Spanish."""
    agency = tmp_path / "light-agency"
    (agency / "content").mkdir(parents=True, exist_ok=True)
    listed = ", ".join(f'"{locale}"' for locale in LIGHT_LOCALES)
    (agency / "content" / "locales.toml").write_text(f"enabled = [{listed}]\n", encoding="utf-8")
    return agency


def light_env(tmp_path: Path, base: dict[str, str] | None = None, **extra: str) -> dict[str, str]:
    """Environment for ``python -m bot ...`` that loads two locales instead of ten."""
    env = dict(os.environ if base is None else base)
    env["AGENCY_DIR"] = str(light_agency(tmp_path))
    env.update(extra)
    return env
