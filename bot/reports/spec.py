"""What a report chart shows: translated and formatted values, and no drawing code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    """One bar, with its label and value text already translated and formatted by the caller."""

    label: str
    value: float | None  # None: hidden for privacy, so no bar and the chart's hidden_text
    display: str  # value text printed at the bar end, e.g. "12" or "45 %"


@dataclass(frozen=True)
class Panel:
    """One horizontal bar chart; several stack vertically so a phone never scrolls sideways."""

    title: str
    bars: tuple[Bar, ...]
    maximum: float | None = None  # axis maximum, e.g. 100 for percentages; None: from the data


@dataclass(frozen=True)
class ChartSpec:
    """Everything a chart shows, so rendering needs no translation or database access."""

    title: str
    subtitle: str
    panels: tuple[Panel, ...]  # 1 to 3, stacked vertically
    hidden_text: str  # the translated "fewer than 5" marker for hidden bars
    rtl: bool  # right-to-left locale: labels on the right and bars growing leftwards
    cjk: bool  # text needs a CJK font first, so Latin and CJK punctuation match it
