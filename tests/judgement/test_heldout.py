"""The held-out part of the labelled set: its figures must meet the goals; misses stay unread."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.packs.registry import ContentRegistry
from bot.services.assess import SuggestionEngine
from bot.services.evaluate import Report, by_locale, evaluate, read_set
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


# Held-out figures when this gate was last raised. It only ever moves up, towards GOALS
# (bot/services/evaluate.py); a text's worth of slack absorbs float noise between CPUs.
FLOORS = {
    "en": {"recall": 0.776, "right_level": 0.687, "dimension": 0.797, "tone_fit": 0.747},
    "es": {"recall": 0.765, "right_level": 0.691, "dimension": 0.741, "tone_fit": 0.792},
}
CEILINGS = {
    "en": {
        "signpost_ordinary": 0.011,
        "note_ordinary": 0.075,
        "signpost_lookalike": 0.127,
        "top_share": 0.057,
    },
    "es": {
        "signpost_ordinary": 0.011,
        "note_ordinary": 0.086,
        "signpost_lookalike": 0.074,
        "top_share": 0.042,
    },
}


@pytest.fixture(scope="module")
def held_out(engine: SuggestionEngine) -> dict[str, Report]:
    """Judge each locale's held-out part once for every test in this module."""
    return {
        locale: evaluate(
            by_locale(read_set(DATA / "test" / f"{locale}.jsonl"))[locale], engine_judge(engine)
        )
        for locale in ("en", "es")
    }


@pytest.mark.parametrize("locale", ["en", "es"])
def test_held_out_figures_never_fall_below_the_last_gate(
    held_out: dict[str, Report], locale: str
) -> None:
    """Only figures are compared; which texts were missed is never printed."""
    report = held_out[locale]
    slack = 1 / min(report.counts["risk"], report.counts["ordinary"], report.counts["lookalike"])
    fallen = [
        f"{name} {report.figures[name]:.3f} < {floor}"
        for name, floor in FLOORS[locale].items()
        if report.figures[name] < floor - slack
    ] + [
        f"{name} {report.figures[name]:.3f} > {ceiling}"
        for name, ceiling in CEILINGS[locale].items()
        if report.figures[name] > ceiling + slack
    ]
    assert fallen == [], f"held-out {locale} regressed: {fallen}"


@pytest.mark.xfail(strict=True, reason="the issue's goals are not reached yet; see its note")
@pytest.mark.parametrize("locale", ["en", "es"])
def test_held_out_figures_meet_the_goals(held_out: dict[str, Report], locale: str) -> None:
    """Strict: once the goals are met this passes, fails as XPASS, and the marker must go."""
    assert held_out[locale].failures() == []


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
