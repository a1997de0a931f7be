"""One validation covers packs, rules, contacts and catalogs; start-up refuses any fault."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, Settings
from bot.packs.loader import ContentError
from bot.packs.validate import validate_everything
from tests.light import light_copy, light_env

CONTENT = PROJECT_ROOT / "content"
LOCALES = PROJECT_ROOT / "locales"
DANGER = "Thank you for telling me. If anyone is in immediate danger"
HELPLINE = 'msgid "You can also contact: {helpline}"'
NOT_A_CHANNEL = "This bot is not a reporting channel, so please use the contacts above."


@dataclass(frozen=True)
class Fault:
    """A deliberate break and the line `packs check` must print for it."""

    path: Path
    line: int
    message: str

    def found_in(self, lines: list[str]) -> bool:
        prefix = f"{self.path}:{self.line}: "
        return any(line.startswith(prefix) and self.message in line for line in lines)


@dataclass(frozen=True)
class Broken:
    """Copies of content/ and locales/ with faults the validation must all list."""

    content: Path
    locales: Path
    faults: list[Fault]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line(path: Path, snippet: str, starts: str = "") -> int:
    """The line holding ``snippet``, or the nearest line above it that begins with ``starts``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if snippet in line)
    while not lines[index].startswith(starts):
        index -= 1
    return index + 1


def _break_catalogs(locales: Path) -> list[Fault]:
    es = locales / "es" / "LC_MESSAGES" / "messages.po"
    _edit(es, "llama ahora al {emergency_number}.", "llama ahora al {numero}.")
    _edit(es, '"También puedes contactar con: {helpline}"', '""')
    spanish = (
        "Este bot no es un canal para comunicar incidencias, así que usa los contactos de arriba."
    )
    _edit(es, f'msgstr "{spanish}"', f'msgstr "{NOT_A_CHANNEL}"')
    _edit(es, 'msgid "Adopter"', '#, fuzzy\nmsgid "Adopter"')
    _edit(es, 'msgid "Ages"\nmsgstr "Edades"\n\n', "")
    _edit(es, '"Edades: {ages}"', '"Edades: {ages"')
    return [
        Fault(
            es, _line(es, DANGER, "msgid"), "{numero} differ from the msgid's {emergency_number}"
        ),
        Fault(es, _line(es, HELPLINE), "safeguarding message not translated: msgstr is empty"),
        Fault(es, _line(es, NOT_A_CHANNEL), "safeguarding message not translated"),
        Fault(es, _line(es, 'msgid "Adopter"'), "fuzzy entry"),
        Fault(es, _line(es, 'msgid "Ages: {ages}"'), "msgid 'Ages' is missing"),
        Fault(es, _line(es, 'msgid "Ages: {ages}"'), "malformed braces"),
        Fault(
            locales / "pt" / "LC_MESSAGES" / "messages.po", 1, "locale pt is enabled but has no"
        ),
    ]


def _break_content(content: Path) -> list[Fault]:
    rules = content / "judgement" / "es" / "safeguarding.toml"
    contacts = content / "safeguarding.toml"
    _edit(rules, '"suicid*", "sucid*",', '"!!!", "sucid*",')
    _edit(contacts, 'emergency_number = "112"', 'emergency_number = "call us"')
    # Enabling a language nobody has translated yet: every gap is named.
    _edit(content / "locales.toml", 'enabled = ["en", "es"', 'enabled = ["en", "es", "pt"')
    return [
        Fault(content / "availability" / "pt.toml", 1, "pt text(s) missing: availability|name"),
        Fault(content / "judgement" / "pt" / "language.toml", 1, "file is missing"),
        Fault(rules, _line(rules, '"!!!"', "match"), "'!!!' has no word that can match"),
        Fault(contacts, _line(contacts, '"call us"'), "must be a phone number"),
    ]


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Broken:
    root = tmp_path_factory.mktemp("broken")
    content = light_copy(root)
    locales = Path(shutil.copytree(LOCALES, root / "locales"))
    return Broken(content, locales, _break_catalogs(locales) + _break_content(content))


def _run_bot(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def test_shipped_content_and_catalogs_validate_clean() -> None:
    """What we ship passes every check, so start-up and CI accept it."""
    assert validate_everything(CONTENT, LOCALES) == []


def test_packs_check_lists_every_fault_in_content_and_catalogs(broken: Broken) -> None:
    """Renamed placeholder, English signpost, bad number... each printed as file:line, exit 1."""
    result = _run_bot("packs", "check", str(broken.content), "--locales", str(broken.locales))
    lines = result.stderr.splitlines()
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    missing = [fault for fault in broken.faults if not fault.found_in(lines)]
    assert not missing, result.stderr
    assert lines[-1].startswith(f"{len(lines) - 1} problem(s) found")


def test_a_content_locale_without_a_catalog_is_listed(tmp_path: Path) -> None:
    """Deleting the Spanish catalog can no longer drop the language silently."""
    locales = Path(shutil.copytree(LOCALES, tmp_path / "locales"))
    shutil.rmtree(locales / "es")
    issues = validate_everything(CONTENT, locales)
    [issue] = issues
    assert issue.path == locales / "es" / "LC_MESSAGES" / "messages.po" and issue.line == 1
    assert "locale es is enabled but has no catalog" in issue.message


def test_the_chat_sandbox_refuses_to_start_on_broken_catalogs(
    broken: Broken, tmp_path: Path
) -> None:
    """Start-up prints the list and a one-line summary, exit 2, no traceback."""
    env = light_env(
        tmp_path,
        LOCALES_DIR=str(broken.locales),
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}",
    )
    result = _run_bot("chat", env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output
    lines = result.stderr.splitlines()
    assert broken.faults[0].found_in(lines)
    assert lines[-1].startswith("the bot did not start: ")


def test_build_application_refuses_broken_catalogs(broken: Broken, sqlite_url: str) -> None:
    """The composition root raises ContentError naming the renamed placeholder."""
    from bot.app import build_application

    settings = Settings(database_url=sqlite_url, locales_dir=broken.locales, _env_file=None)
    with pytest.raises(ContentError) as error:
        build_application(settings)
    assert broken.faults[0].found_in([str(issue) for issue in error.value.issues])


def test_syntax_errors_stale_entries_plural_gaps_and_a_lost_signpost_are_listed(
    tmp_path: Path,
) -> None:
    """No traceback for a broken .po; stale, half-plural and template gaps each named."""
    from bot.packs.catalogs import check_catalogs

    locales = Path(shutil.copytree(LOCALES, tmp_path / "locales"))
    es = locales / "es" / "LC_MESSAGES" / "messages.po"
    en = locales / "en" / "LC_MESSAGES" / "messages.po"
    template = locales / "messages.pot"
    _edit(es, 'msgid "Adopter"', 'msgid "Adopter"\nnonsense here')
    _edit(en, 'msgid "Adopter"', 'msgid "Retired"\nmsgstr "Retired"\n\nmsgid "Adopter"')
    _edit(
        en,
        'msgstr[1] "Your journal: {count} reflections. Page {page} of {pages}."',
        'msgstr[1] ""',
    )
    _edit(template, f'msgid "{NOT_A_CHANNEL}"\nmsgstr ""\n\n', "")
    lines = [str(issue) for issue in check_catalogs(locales, ("en", "es"))]
    faults = [
        Fault(es, _line(es, "nonsense here"), "invalid catalog"),
        Fault(en, _line(en, 'msgid "Retired"'), "entry not in messages.pot (stale catalog"),
        Fault(en, _line(en, 'msgid_plural "Your journal', 'msgid "'), "msgstr[1] is empty"),
        Fault(template, 1, "safeguarding message 'This bot is not a reporting channel"),
    ]
    assert [fault for fault in faults if not fault.found_in(lines)] == [], lines
