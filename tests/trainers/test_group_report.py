"""k-anonymity of group reports: nothing under 5 carers, no hidden figure by subtraction."""

from __future__ import annotations

from itertools import combinations

from bot.domain.group_report import CarerWeek, Cell, build_report, suppress_cells
from bot.domain.model import Dimension, Tone

A, S, C = Dimension.AVAILABILITY, Dimension.SENSITIVITY, Dimension.COOPERATION


def week(carer: int, *dimensions: Dimension, tone: Tone = Tone.NEUTRAL) -> CarerWeek:
    counts: dict[Dimension | None, int] = {}
    for dimension in dimensions:
        counts[dimension] = counts.get(dimension, 0) + 1
    return CarerWeek(carer, prompts_sent=3, reflections=counts, tones={tone: len(dimensions)})


def test_a_group_of_four_shows_nothing_at_all() -> None:
    report = build_report([week(i, A) for i in range(4)])
    assert not report.shown
    assert report.prompts_sent is None and report.reflections is None and not report.by_dimension


def test_fewer_than_five_writers_hide_every_reflection_figure() -> None:
    report = build_report([week(i, A) for i in range(4)] + [week(9)])
    assert report.shown and report.members == 5 and report.prompts_sent == 15
    assert report.active is None and report.reflections is None and report.response_rate is None
    assert report.struggle_share is None and not report.by_dimension


def test_a_cell_from_one_carer_is_hidden_and_so_is_its_complement() -> None:
    weeks = [week(i, A, S) for i in range(6)] + [week(6, A, C)]
    report = build_report(weeks)
    assert report.reflections == 14
    assert report.by_dimension[C] is None
    # Total minus the shown cells must not give the hidden one away.
    assert report.by_dimension[S] is None
    assert report.by_dimension[A] == 7


def test_no_hidden_cell_can_be_worked_out_from_the_total() -> None:
    """Exhaustively: whatever is hidden, at least two cells hide or the total is unknown."""
    for counts in combinations([0, 1, 3, 6, 9], 4):
        cells = {f"c{i}": Cell(count=n * 2, carers=n) for i, n in enumerate(counts)}
        shown = suppress_cells(cells)
        hidden = [name for name, value in shown.items() if value is None]
        hidden_nonzero = [name for name in hidden if cells[name].count]
        assert len(hidden) != 1 or not hidden_nonzero, (counts, shown)


def test_struggle_and_went_well_shares_need_five_carers_each() -> None:
    weeks = [week(i, A, tone=Tone.STRUGGLE) for i in range(5)] + [week(5, A, tone=Tone.POSITIVE)]
    report = build_report(weeks)
    assert report.went_well_share is None
    assert report.struggle_share is None  # its complement would reveal the hidden one
    weeks += [week(i, A, tone=Tone.POSITIVE) for i in range(6, 10)]
    report = build_report(weeks)
    assert report.struggle_share == 0.5 and report.went_well_share == 0.5


def test_how_many_wrote_is_hidden_when_fewer_than_five_did_not() -> None:
    weeks = [week(i, A) for i in range(6)] + [week(6), week(7)]
    report = build_report(weeks)
    assert report.members == 8 and report.reflections == 6
    assert report.active is None  # 8 - 6 would count the 2 who did not write
    report = build_report(weeks + [week(i) for i in range(8, 11)])
    assert report.active == 6
