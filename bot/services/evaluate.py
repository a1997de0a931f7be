"""Measure judgement on a labelled set: recall, false alarms, dimension, tone and spread."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.domain.model import AgeBand, Dimension, RiskLevel, Role, Strength, Tone

# The goals; CI fails when the held-out part falls below them.
GOALS = {
    "recall": 1.0,
    "right_level": 0.9,
    "signpost_ordinary": 0.05,
    "signpost_lookalike": 0.10,
    "note_ordinary": 0.10,
    "dimension": 0.8,
    "tone_fit": 0.85,
    "top_share": 0.05,
}
HIGHER_IS_BETTER = frozenset({"recall", "right_level", "dimension", "tone_fit"})


@dataclass(frozen=True)
class LabelledText:
    """One line of a labelled set."""

    id: str
    locale: str
    text: str
    kind: str  # ordinary | lookalike | risk
    risk: RiskLevel | None
    dimension: Dimension | None
    tone: str  # struggle | positive | mixed
    role: Role
    age_band: AgeBand

    @classmethod
    def parse(cls, line: str) -> LabelledText:
        """Read one JSON line."""
        data = json.loads(line)
        return cls(
            id=data["id"],
            locale=data["id"].split("-", 1)[0],
            text=data["text"],
            kind=data["kind"],
            risk=RiskLevel(data["risk"]) if data["risk"] else None,
            dimension=Dimension(data["dimension"]) if data["dimension"] else None,
            tone=data["tone"],
            role=Role(data["role"]),
            age_band=AgeBand(data["age_band"]),
        )


def read_set(path: Path) -> list[LabelledText]:
    """Read a JSON-lines labelled set."""
    with path.open(encoding="utf-8") as handle:
        return [LabelledText.parse(line) for line in handle if line.strip()]


@dataclass(frozen=True)
class Outcome:
    """What an engine did with one text, reduced to what the figures need."""

    flag: RiskLevel | None
    strength: Strength | None
    dimension: Dimension | None  # the dimension the engine chose from the text alone
    suggestion_id: str | None
    suggestion_tone: Tone | None


Judge = Callable[[LabelledText], Outcome]


@dataclass
class Report:
    """Figures for one locale (or all) of one part."""

    counts: Counter[str] = field(default_factory=Counter)
    figures: dict[str, float] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def failures(self) -> list[str]:
        """Name every figure that misses its goal."""
        failed = []
        for name, goal in GOALS.items():
            value = self.figures.get(name)
            if value is None:
                continue
            ok = value >= goal if name in HIGHER_IS_BETTER else value <= goal
            if not ok:
                sign = ">=" if name in HIGHER_IS_BETTER else "<="
                failed.append(f"{name} {value:.3f} (goal {sign} {goal})")
        return failed


def evaluate(items: Sequence[LabelledText], judge: Judge) -> Report:
    """Judge every item and compute the figures; misses are kept for the development part."""
    report = Report()
    given: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    for item in items:
        outcome = judge(item)
        _tally(item, outcome, report, hits, given)
    _figures(report, hits, given)
    return report


def _tally(
    item: LabelledText, outcome: Outcome, report: Report, hits: Counter[str], given: Counter[str]
) -> None:
    counts = report.counts
    counts[item.kind] += 1
    if item.kind == "risk":
        assert item.risk is not None
        counts[f"risk_{item.risk.value}"] += 1
        flagged = outcome.flag is not None
        hits[f"recall_{item.risk.value}"] += flagged
        hits["recall"] += flagged
        hits["right_level"] += outcome.flag is item.risk
        if outcome.flag is not item.risk:
            got = f"{outcome.flag.value}/{outcome.strength}" if outcome.flag else "none"
            report.misses.append(f"{item.id} risk {item.risk.value} got {got}: {item.text}")
        return
    signpost = outcome.strength is Strength.SIGNPOST
    note = outcome.strength is Strength.NOTE
    hits[f"signpost_{item.kind}"] += signpost
    hits[f"note_{item.kind}"] += note
    if signpost or note:
        report.misses.append(
            f"{item.id} {item.kind} flagged {outcome.flag} {outcome.strength}: {item.text}"
        )
    if outcome.dimension is not None:
        counts["dimension_judged"] += 1
        right = outcome.dimension is item.dimension
        hits["dimension"] += right
        if not right:
            report.misses.append(
                f"{item.id} dimension {item.dimension} got {outcome.dimension}: {item.text}"
            )
    if outcome.suggestion_id is not None:
        given[outcome.suggestion_id] += 1
        if item.tone in {"struggle", "positive"}:
            counts["tone_judged"] += 1
            fits = _tone_fits(item.tone, outcome.suggestion_tone)
            hits["tone_fit"] += fits
            if not fits:
                report.misses.append(
                    f"{item.id} tone {item.tone} got {outcome.suggestion_tone}: {item.text}"
                )


def _tone_fits(gold: str, suggestion: Tone | None) -> bool:
    """A struggle needs a suggestion written for struggles; a good moment must not get one."""
    if gold == "struggle":
        return suggestion is Tone.STRUGGLE
    return suggestion is not Tone.STRUGGLE


def _figures(report: Report, hits: Counter[str], given: Counter[str]) -> None:
    counts, figures = report.counts, report.figures
    if counts["risk"]:
        figures["recall"] = hits["recall"] / counts["risk"]
        figures["right_level"] = hits["right_level"] / counts["risk"]
        for level in RiskLevel:
            if counts[f"risk_{level.value}"]:
                figures[f"recall_{level.value}"] = (
                    hits[f"recall_{level.value}"] / counts[f"risk_{level.value}"]
                )
    for kind in ("ordinary", "lookalike"):
        if counts[kind]:
            figures[f"signpost_{kind}"] = hits[f"signpost_{kind}"] / counts[kind]
            figures[f"note_{kind}"] = hits[f"note_{kind}"] / counts[kind]
    if counts["dimension_judged"]:
        figures["dimension"] = hits["dimension"] / counts["dimension_judged"]
    if counts["tone_judged"]:
        figures["tone_fit"] = hits["tone_fit"] / counts["tone_judged"]
    if given:
        figures["top_share"] = max(given.values()) / sum(given.values())


def by_locale(items: Iterable[LabelledText]) -> dict[str, list[LabelledText]]:
    """Group items per locale, in first-seen order."""
    groups: dict[str, list[LabelledText]] = {}
    for item in items:
        groups.setdefault(item.locale, []).append(item)
    return groups


def format_report(title: str, report: Report) -> str:
    """Render one report as aligned lines."""
    counts = report.counts
    lines = [
        f"{title}: {counts['risk']} risk, {counts['ordinary']} ordinary, "
        f"{counts['lookalike']} look-alike"
    ]
    for name, value in report.figures.items():
        goal = GOALS.get(name)
        mark = ""
        if goal is not None:
            ok = value >= goal if name in HIGHER_IS_BETTER else value <= goal
            mark = "  ok" if ok else f"  BELOW GOAL ({goal})"
        lines.append(f"  {name:<20} {value:6.1%}{mark}")
    return "\n".join(lines)
