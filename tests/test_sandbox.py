"""The README's run command: a new user reaches a reflection and a suggestion in Spanish."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.config import PROJECT_ROOT

SCRIPT = (
    "\n".join(
        [
            "/start",
            "#2",  # Español
            "#1",  # Familia de acogida
            "#3",  # 5–10 años
            "#8",  # Listo (lun, mié, vie)
            "#5",  # 19:30
            "#1",  # Madrid
            "#1",  # Entendido, empecemos
            "/prompt",
            "Hoy tuvo una rabieta antes de dormir y me quedé a su lado hasta que se calmó.",
            ":wait next",
            ":voice",
            ":quit",
        ]
    )
    + "\n"
)


def test_sandbox_chat_in_spanish(tmp_path: Path) -> None:
    """`python -m bot chat` runs the whole flow offline, with no token."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input=SCRIPT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT), "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Todo listo. Las preguntas llegan los días lun, mié y vie a las 19:30 (Madrid)" in out
    assert "Gracias por tomarte un momento para reflexionar." in out
    assert "Una idea que podrías considerar:" in out
    assert out.count("Disponibilidad: ayudar al niño o la niña a confiar") == 1
    assert "Sensibilidad: ayudar al niño o la niña a gestionar" in out  # the scheduled one
    assert "Solo puedo guardar texto escrito" in out
    assert (tmp_path / "sandbox.db").exists()
    assert not (tmp_path / "securebase.db").exists()
