"""k-anonymous weekly figures for a trainer: what a group did, never who did what.

Rules, applied in order (k = 5):

1. A group with fewer than k carers shows nothing at all.
2. Figures about reflections (how many, response rate, by dimension, struggle and went-well
   shares) are shown only when at least k carers wrote that week. The number who wrote is
   shown only when it is k or more and so is the number who did not (the group's size minus
   it): otherwise one of the two would count fewer than k carers.
3. In a breakdown, a cell is shown only when at least k different carers contributed to it
   (an empty cell is shown as 0: it says nothing about anyone).
4. Complementary suppression: if only one cell of a breakdown would be hidden, the total
   minus the others would give it away, so the smallest shown non-empty cell is hidden too
   (and if nothing else can be hidden, the whole breakdown is).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field

from bot.domain.model import Dimension, Tone

K_ANONYMITY = 5


@dataclass(frozen=True)
class CarerWeek:
    """One member's activity in one week; only ever aggregated, never shown."""

    carer_id: int
    prompts_sent: int = 0
    reflections: Mapping[Dimension | None, int] = field(default_factory=dict)
    tones: Mapping[Tone, int] = field(default_factory=dict)

    @property
    def wrote(self) -> int:
        """Return how many reflections the carer wrote that week."""
        return sum(self.reflections.values())


@dataclass(frozen=True)
class GroupReport:
    """The figures a trainer may see; None means hidden to protect individuals."""

    members: int
    shown: bool
    active: int | None = None
    prompts_sent: int | None = None
    reflections: int | None = None
    response_rate: float | None = None  # reflections per prompt sent, 0..1 (capped at 1)
    by_dimension: Mapping[Dimension, int | None] = field(default_factory=dict)
    struggle_share: float | None = None
    went_well_share: float | None = None


def build_report(weeks: Sequence[CarerWeek], *, k: int = K_ANONYMITY) -> GroupReport:
    """Aggregate members' weeks into figures that cannot single anyone out."""
    members = len(weeks)
    if members < k:
        return GroupReport(members=members, shown=False)
    sent = sum(w.prompts_sent for w in weeks)
    writers = [w for w in weeks if w.wrote]
    if len(writers) < k:
        return GroupReport(members=members, shown=True, prompts_sent=sent)
    written = sum(w.wrote for w in writers)
    struggle, went_well = _tone_shares(writers, written, k)
    return GroupReport(
        members=members,
        shown=True,
        active=len(writers) if not 0 < members - len(writers) < k else None,
        prompts_sent=sent,
        reflections=written,
        response_rate=min(1.0, written / sent) if sent else None,
        by_dimension=_by_dimension(writers, k),
        struggle_share=struggle,
        went_well_share=went_well,
    )


def _by_dimension(writers: Sequence[CarerWeek], k: int) -> dict[Dimension, int | None]:
    """Count reflections per dimension, hiding cells fewer than k carers made."""
    cells = {dimension: _cell(writers, _dimension_count(dimension)) for dimension in Dimension}
    # Reflections with no dimension are part of the total: they act as one more cell.
    undecided = _cell(writers, _dimension_count(None))
    shown = suppress_cells({**{d.value: c for d, c in cells.items()}, "": undecided}, k)
    return {dimension: shown[dimension.value] for dimension in Dimension}


def _tone_shares(
    writers: Sequence[CarerWeek], written: int, k: int
) -> tuple[float | None, float | None]:
    """Return struggle and went-well shares of all reflections, each only if k carers made it."""
    cells = {tone.value: _cell(writers, _tone_count(tone)) for tone in Tone}
    shown = suppress_cells(cells, k)
    struggle, positive = shown[Tone.STRUGGLE.value], shown[Tone.POSITIVE.value]
    return (
        None if struggle is None else struggle / written,
        None if positive is None else positive / written,
    )


def _tone_count(tone: Tone) -> Callable[[CarerWeek], int]:
    return lambda week: week.tones.get(tone, 0)


def _dimension_count(dimension: Dimension | None) -> Callable[[CarerWeek], int]:
    return lambda week: week.reflections.get(dimension, 0)


@dataclass(frozen=True)
class Cell:
    """A breakdown cell: how many events, and how many different carers made them."""

    count: int
    carers: int


def _cell(writers: Iterable[CarerWeek], count_of: Callable[[CarerWeek], int]) -> Cell:
    counts = [count_of(w) for w in writers]
    return Cell(count=sum(counts), carers=sum(1 for c in counts if c))


def suppress_cells(cells: Mapping[str, Cell], k: int = K_ANONYMITY) -> dict[str, int | None]:
    """Hide small cells, and one more when a single hidden cell could be worked out."""
    hidden = {name for name, cell in cells.items() if 0 < cell.carers < k}
    if len(hidden) == 1:
        others = sorted(
            (cell.count, name)
            for name, cell in cells.items()
            if name not in hidden and cell.count > 0
        )
        if not others:
            return dict.fromkeys(cells)
        hidden.add(others[0][1])
    return {name: None if name in hidden else cell.count for name, cell in cells.items()}


def report_json(report: GroupReport) -> str:
    """Serialise a report's figures (aggregates only) to freeze a finished week."""
    data = asdict(report)
    data["by_dimension"] = {d.value: n for d, n in report.by_dimension.items()}
    return json.dumps(data, sort_keys=True)


def report_from_json(raw: str) -> GroupReport:
    """Read a frozen week's figures back."""
    data = json.loads(raw)
    data["by_dimension"] = {Dimension(d): n for d, n in data["by_dimension"].items()}
    return GroupReport(**data)
