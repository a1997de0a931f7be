"""The held-out part of the labelled set: its figures must meet the goals; misses stay unread."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.packs.registry import ContentRegistry
from bot.services.assess import SuggestionEngine
from bot.services.evaluate import Report, by_locale, evaluate, read_set
from bot.services.judge import engine_judge
from tests.light import light_env

DATA = PROJECT_ROOT / "tests" / "data" / "judgement"


@pytest.fixture(scope="module")
def engine() -> SuggestionEngine:
    return SuggestionEngine(ContentRegistry.load(PROJECT_ROOT / "content"))


def _parts(part: str) -> dict[str, list[Path]]:
    return {path.stem: [path] for path in sorted((DATA / part).glob("*.jsonl"))}


SHIPPED = tuple(
    tomllib.loads((PROJECT_ROOT / "content" / "locales.toml").read_text(encoding="utf-8"))[
        "enabled"
    ]
)


def test_each_shipped_locale_has_both_parts_and_a_third_held_out() -> None:
    """At least 100 held-out lines per locale, a dev part beside it, 150 look-alikes in all."""
    assert set(_parts("dev")) == set(_parts("test")) == set(SHIPPED)
    lookalikes = 0
    for locale in SHIPPED:
        dev = read_set(DATA / "dev" / f"{locale}.jsonl")
        test = read_set(DATA / "test" / f"{locale}.jsonl")
        assert len(test) >= 100 and len(test) * 3 >= len(dev) + len(test)
        assert {item.locale for item in dev + test} == {locale}
        lookalikes += sum(item.kind == "lookalike" for item in dev + test)
    assert lookalikes >= 150


# Held-out figures when this gate was last raised. It only ever moves up, towards GOALS
# (bot/services/evaluate.py); a text's worth of slack absorbs float noise between CPUs.
# Stop 15 grew the en and es held-out parts by 45 unread lines each, written by someone who
# never saw the rules; their gates were measured again on the grown parts. On them the previous
# engine scored lower still on tone fit (en 73.5 %, es 77.0 %), and es full-signpost alarms on
# ordinary text rose to 3.7 % for it and 4.6 % for this one (inside the 5 % goal).
# Stop 16 raised tone fit (es, and zh, ckb and uk, which borrow Spanish tone exemplars); it, nb
# and ckb lost a text or two on dimension or tone, inside the slack, so those floors stay.
# Stop 21 (broader rules and exemplars in every locale) raised recall in eight locales (ckb and
# es kept theirs) and the right level in nine; dimension and tone fit did not move.
FLOORS = {
    "en": {"recall": 0.866, "right_level": 0.805, "dimension": 0.798, "tone_fit": 0.735},
    "es": {"recall": 0.807, "right_level": 0.759, "dimension": 0.751, "tone_fit": 0.808},
    # First held-out measurement of each locale added by the languages issue.
    "fr": {"recall": 0.967, "right_level": 0.967, "dimension": 0.771, "tone_fit": 0.708},
    "it": {"recall": 0.833, "right_level": 0.8, "dimension": 0.829, "tone_fit": 0.796},
    "sv": {"recall": 0.833, "right_level": 0.8, "dimension": 0.814, "tone_fit": 0.837},
    "nb": {"recall": 0.867, "right_level": 0.767, "dimension": 0.729, "tone_fit": 0.867},
    "uk": {"recall": 0.8, "right_level": 0.733, "dimension": 0.771, "tone_fit": 0.841},
    "ar": {"recall": 0.7, "right_level": 0.7, "dimension": 0.671, "tone_fit": 0.714},
    "ckb": {"recall": 0.9, "right_level": 0.833, "dimension": 0.7, "tone_fit": 0.875},
    "zh": {"recall": 0.833, "right_level": 0.8, "dimension": 0.686, "tone_fit": 0.923},
}
# Ceilings only move down, with one recorded exception: the rules that raised recall and the
# right level in en, es and it (stop 14) also raised full-signpost false alarms on ordinary
# text, still inside the 5 % goal; that trade was accepted as a whole, without reading misses.
# Stop 21: the new exemplars took uk notes on ordinary text from 13.3 % to 6.7 % (inside the 10 %
# goal) and added one or two in fr (8.9 %) and it (4.4 %); pooled over the ten locales notes on
# ordinary text went from 35 to 37 of 576, and that trade too was accepted as a whole.
CEILINGS = {
    "en": {
        "signpost_ordinary": 0.019,
        "note_ordinary": 0.056,
        "signpost_lookalike": 0.129,
        "top_share": 0.054,
    },
    "es": {
        "signpost_ordinary": 0.046,
        "note_ordinary": 0.083,
        "signpost_lookalike": 0.072,
        "top_share": 0.036,
    },
    "fr": {
        "signpost_ordinary": 0.0,
        "note_ordinary": 0.089,
        "signpost_lookalike": 0.16,
        "top_share": 0.045,
    },
    "it": {
        "signpost_ordinary": 0.022,
        "note_ordinary": 0.044,
        "signpost_lookalike": 0.04,
        "top_share": 0.059,
    },
    "sv": {
        "signpost_ordinary": 0.0,
        "note_ordinary": 0.067,
        "signpost_lookalike": 0.08,
        "top_share": 0.059,
    },
    "nb": {
        "signpost_ordinary": 0.0,
        "note_ordinary": 0.022,
        "signpost_lookalike": 0.04,
        "top_share": 0.058,
    },
    "uk": {
        "signpost_ordinary": 0.022,
        "note_ordinary": 0.067,
        "signpost_lookalike": 0.08,
        "top_share": 0.09,
    },
    "ar": {
        "signpost_ordinary": 0.0,
        "note_ordinary": 0.044,
        "signpost_lookalike": 0.04,
        "top_share": 0.087,
    },
    "ckb": {
        "signpost_ordinary": 0.0,
        "note_ordinary": 0.044,
        "signpost_lookalike": 0.0,
        "top_share": 0.057,
    },
    "zh": {
        "signpost_ordinary": 0.022,
        "note_ordinary": 0.044,
        "signpost_lookalike": 0.08,
        "top_share": 0.075,
    },
}


@pytest.fixture(scope="module")
def held_out(engine: SuggestionEngine) -> dict[str, Report]:
    """Judge each locale's held-out part once for every test in this module."""
    return {
        locale: evaluate(
            by_locale(read_set(DATA / "test" / f"{locale}.jsonl"))[locale], engine_judge(engine)
        )
        for locale in SHIPPED
    }


@pytest.mark.parametrize("locale", SHIPPED)
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
@pytest.mark.parametrize("locale", SHIPPED)
def test_held_out_figures_meet_the_goals(held_out: dict[str, Report], locale: str) -> None:
    """Strict: once the goals are met this passes, fails as XPASS, and the marker must go."""
    assert held_out[locale].failures() == []


def test_eval_never_lists_held_out_misses(tmp_path: Path) -> None:
    """`eval --misses` on the test part is refused."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "eval", "--misses", str(DATA / "test" / "en.jsonl")],
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT_ROOT,
        env=light_env(tmp_path),
    )
    assert result.returncode == 2 and "never shown" in result.stderr
    assert "miss" not in result.stdout
