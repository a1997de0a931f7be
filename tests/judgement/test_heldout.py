"""The held-out part of the labelled set: its figures must meet the goals; misses stay unread."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.packs.registry import ContentRegistry
from bot.services.assess import SuggestionEngine
from bot.services.evaluate import by_locale, evaluate, read_set
from bot.services.judge import engine_judge

DATA = PROJECT_ROOT / "tests" / "data" / "judgement"


@pytest.fixture(scope="module")
def engine() -> SuggestionEngine:
    return SuggestionEngine(ContentRegistry.load(PROJECT_ROOT / "content"))


def _parts(part: str) -> dict[str, list[Path]]:
    return {path.stem: [path] for path in sorted((DATA / part).glob("*.jsonl"))}


def test_each_shipped_locale_has_both_parts_and_a_third_held_out() -> None:
    """At least 100 lines per locale, a third of them held out, and 150 look-alikes in all."""
    registry_locales = {"en", "es"}
    assert set(_parts("dev")) == set(_parts("test")) == registry_locales
    lookalikes = 0
    for locale in registry_locales:
        dev = read_set(DATA / "dev" / f"{locale}.jsonl")
        test = read_set(DATA / "test" / f"{locale}.jsonl")
        assert len(dev) + len(test) >= 100 and len(test) * 3 >= len(dev) + len(test)
        assert {item.locale for item in dev + test} == {locale}
        lookalikes += sum(item.kind == "lookalike" for item in dev + test)
    assert lookalikes >= 150


@pytest.mark.parametrize("locale", ["en", "es"])
def test_held_out_figures_meet_the_goals(engine: SuggestionEngine, locale: str) -> None:
    """Only figures are compared; which texts were missed is never printed."""
    items = by_locale(read_set(DATA / "test" / f"{locale}.jsonl"))[locale]
    report = evaluate(items, engine_judge(engine))
    assert report.failures() == [], f"held-out {locale}: {report.failures()}"


def test_eval_never_lists_held_out_misses() -> None:
    """`eval --misses` on the test part is refused."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "eval", "--misses", str(DATA / "test" / "en.jsonl")],
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT_ROOT,
    )
    assert result.returncode == 2 and "never shown" in result.stderr
    assert "miss" not in result.stdout
