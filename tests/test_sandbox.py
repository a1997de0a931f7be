"""The README's run command: a new user reaches a reflection and a suggestion in Spanish."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.config import PROJECT_ROOT

SCRIPT = [
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


def _sandbox(tmp_path: Path, lines: list[str], *options: str, light: bool = False) -> str:
    """Run the sandbox on a script as a new user would type it; return what it printed.

    ``light`` loads English and Spanish only (tests/light.py): a faster start than ten.
    """
    from tests.light import light_env

    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT), "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", *options],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=tmp_path,
        env=light_env(tmp_path, env) if light else env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_sandbox_chat_in_spanish(tmp_path: Path) -> None:
    """`python -m bot chat` runs the whole flow offline, with no token."""
    out = _sandbox(tmp_path, SCRIPT)
    assert "Todo listo. Las preguntas llegan los días lun, mié y vie a las 19:30 (Madrid)" in out
    assert "Gracias por tomarte un momento para reflexionar." in out
    assert "Una idea que podrías considerar:" in out
    assert out.count("Disponibilidad: ayudar al niño o la niña a confiar") == 1
    assert "Sensibilidad: ayudar al niño o la niña a gestionar" in out  # the scheduled one
    assert "Solo puedo guardar texto escrito" in out
    assert (tmp_path / "sandbox.db").exists()
    assert not (tmp_path / "securebase.db").exists()


def _two_reflections_then_journal(language_button: str, first: str, second: str) -> list[str]:
    onboarding = ["/start", language_button, "#1", "#3", "#8", "#5", "#1", "#1"]
    return [*onboarding, "/prompt", first, ":wait 1d", second, "/journal", ":quit"]


def test_sandbox_in_ukrainian_counts_entries_with_the_few_form(tmp_path: Path) -> None:
    """A new user switches to Ukrainian: dates, times and the journal's plural read right."""
    out = _sandbox(
        tmp_path,
        _two_reflections_then_journal(
            "#7",  # Українська
            "Сьогодні ми разом пекли пиріг, і він дозволив мені допомогти.",
            "Увечері вона довго плакала, але потім заснула в мене на руках.",
        ),
    )
    assert "Усе готово. Запитання надходять у такі дні: пн, ср і пт, о 19:30" in out
    assert "Ваш щоденник: 2 записи." in out  # one: 1 запис, few: 2 записи, many: 5 записів


def test_sandbox_in_arabic_isolates_values_and_uses_the_dual(tmp_path: Path) -> None:
    """A new user switches to Arabic: numbers isolated inside right-to-left text, dual form."""
    out = _sandbox(
        tmp_path,
        _two_reflections_then_journal(
            "#8",  # العربية
            "خبزنا كعكة معاً اليوم وسمح لي بالمساعدة في التزيين.",
            "بكت طويلاً في المساء ثم نامت بين ذراعي.",
        ),
    )
    assert "دفتر تأمّلاتك: \u20682\u2069 تأمّلان." in out  # the dual, the 2 isolated
    assert "\u2068/journal\u2069" in out  # a Latin command cannot flip the sentence


def _carer_joins(user: int) -> list[str]:
    """Sandbox user N opens the group's link, joins, sets up, and writes a reflection."""
    return [
        f":user {user}",
        ":link",
        "#1",  # Join the group
        "#1",  # English
        "#1",  # Foster carer
        "#3",  # 5–10 years
        "#8",  # Done (Mon, Wed, Fri)
        "#5",  # 19:30
        "#1",  # London
        "#1",  # I understand, let's begin
        "Bedtime went better tonight: we read together and she fell asleep calmly.",
    ]


TRAINER_SCRIPT = [
    "/trainer",
    "#1",  # New group
    "Tuesday group",
    *(line for user in range(2, 7) for line in _carer_joins(user)),
    ":user 1",
    "/trainer",
    "#1",  # Tuesday group
    "#1",  # This week's theme
    "#4",  # Co-operation
    "/report",
    ":quit",
]


def test_sandbox_as_trainer_makes_a_group_carers_join_and_a_report_appears(
    tmp_path: Path,
) -> None:
    """`python -m bot chat --as trainer`: the README's trainer walk-through works offline."""
    out = _sandbox(tmp_path, TRAINER_SCRIPT, "--as", "trainer", light=True)
    assert "Join link: https://t.me/securebase_bot?start=g_" in out
    assert out.count("You have joined “Tuesday group”.") == 5
    assert "Now: week 1, Co-operation" in out
    assert "Carers in the group: 5" in out
    assert "Reflections written: 5" in out
    images = list((tmp_path / "exports").glob("image-*.png"))
    assert len(images) == 1 and images[0].read_bytes().startswith(b"\x89PNG")
    assert "Bedtime went better" not in out.split(":user 1", 1)[-1]
