"""A trainer's weekly group report as a phone-sized PNG, readable in every locale the bot has."""

# Text is shaped by matplotlib itself: from 3.11 it lays text out with libraqm (HarfBuzz and
# FriBiDi), so Arabic and Kurdish letters join and right-to-left runs are ordered with no
# help. Pre-shaping with arabic-reshaper and python-bidi would reverse them a second time.

from __future__ import annotations

import io
import math
import re
import threading
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

# The spec lives apart so texts can build one at start-up cost nil; this module loads when a
# report is first drawn.
from bot.reports.spec import Bar, ChartSpec, Panel

__all__ = ["Bar", "ChartSpec", "Panel", "render_chart"]

if TYPE_CHECKING:
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties


WIDTH_PX = 1080
HEIGHT_PX = 1350

_DPI = 100
_PX_PER_PT = _DPI / 72
_LINE_SPACING = 1.3
_MARGIN = 54.0
_BASE_FAMILY = "DejaVu Sans"  # bundled with matplotlib; covers Latin, Cyrillic and Arabic
# Okabe–Ito blue, vermillion and bluish green: distinct for colour-blind readers and at
# least 3:1 against white; the printed value, not the colour, carries the meaning.
_PALETTE = ("#0072B2", "#D55E00", "#009E73")
_INK = "#1A1A1A"
_MUTED = "#4D4D4D"
_AXIS = "#9E9E9E"
_SCALES = (1.4, 1.3, 1.2, 1.1, 1.0, 0.92, 0.85, 0.78, 0.72, 0.66)
_MAX_EXTRA_GAP = 56.0
_LABEL_SHARE = 0.42  # at most this much of the width goes to labels
_VALUE_SHARE = 0.3
_PLACEHOLDER = "\u25a1"  # drawn for a character no bundled font has, instead of a warning
# Bidi and joining controls that the shaper consumes even where the font has no glyph.
_CONTROLS = frozenset(
    "\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_CJK = (
    "\u2e80-\u2fff\u3000-\u30ff\u3100-\u312f\u31a0-\u31ff\u3200-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
)
_NO_LINE_START = re.escape("、。，．：；！？）」』】〕〉》”’%,.:;!?)]")
# Runs of breakable white space; no-break spaces (as in French "45 %") are kept as they are.
_SPACES = re.compile(r"[^\S\u00a0\u2007\u202f]+")
# A wrap unit: one CJK character with the punctuation that may not start a line, or a word.
_TOKENS = re.compile(rf"[{_CJK}][{_NO_LINE_START}]* ?|[^ {_CJK}]+ ?")

_REGISTER_LOCK = threading.Lock()

# matplotlib is imported inside the functions that use it (hence the PLC0415 waivers), so
# importing this module costs nothing until a chart is drawn.


def render_chart(spec: ChartSpec) -> bytes:
    """Return the chart as PNG bytes of exactly WIDTH_PX × HEIGHT_PX, for sending as a photo."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415

    figure = Figure(figsize=(WIDTH_PX / _DPI, HEIGHT_PX / _DPI), dpi=_DPI, facecolor="white")
    canvas = FigureCanvasAgg(figure)
    setter = _Typesetter(canvas.get_renderer(), _families(spec.cjk))
    _draw(figure, setter, _plan(spec, setter), spec)
    buffer = io.BytesIO()
    canvas.print_png(buffer, metadata={"Software": None})
    return buffer.getvalue()


def font_files(*, cjk: bool) -> tuple[Path, ...]:
    """Return the regular-weight font files text falls back through, so coverage can be tested."""
    return _files(_families(cjk), bold=False)


@lru_cache(maxsize=1)
def _cjk_font() -> Path | None:
    """Find the Noto Sans SC file that a PyPI package ships, so no system font is assumed."""
    try:
        from pylopdf_fonts_zh_cn import sans_path  # noqa: PLC0415
    except ImportError:
        return None
    path = sans_path()
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def _cjk_family() -> str | None:
    """Register the CJK font by path once, so any text can fall back to it glyph by glyph."""
    path = _cjk_font()
    if path is None:
        return None
    from matplotlib import font_manager, ft2font  # noqa: PLC0415

    manager = font_manager.fontManager
    with _REGISTER_LOCK:
        for entry in manager.ttflist:
            if Path(entry.fname) == path:
                return entry.name
        try:
            entry = font_manager.ttfFontProperty(ft2font.FT2Font(path))
        except (OSError, RuntimeError, ValueError):
            return None
        # The font has one weight; listing it as bold too keeps bold lookups from logging.
        manager.ttflist.append(replace(entry, weight=700))
        manager.addfont(path)
        return entry.name


def _families(cjk: bool) -> tuple[str, ...]:
    """Order the fonts: the CJK one first for Chinese, else only as a fallback for names."""
    extra = _cjk_family()
    if extra is None:
        return (_BASE_FAMILY,)
    return (extra, _BASE_FAMILY) if cjk else (_BASE_FAMILY, extra)


def _files(families: tuple[str, ...], *, bold: bool) -> tuple[Path, ...]:
    """Resolve families to the files matplotlib will draw from, at one weight."""
    from matplotlib import font_manager  # noqa: PLC0415

    weight = "bold" if bold else "normal"
    return tuple(
        Path(
            font_manager.findfont(
                font_manager.FontProperties(family=family, weight=weight),
                fallback_to_default=False,
            )
        )
        for family in families
    )


@lru_cache(maxsize=8)
def _coverage(families: tuple[str, ...], bold: bool) -> frozenset[int]:
    """Collect the code points some font has, so missing ones never reach matplotlib."""
    from matplotlib import ft2font  # noqa: PLC0415

    points: set[int] = set()
    for path in _files(families, bold=bold):
        points.update(ft2font.FT2Font(path).get_charmap())
    return frozenset(points)


@dataclass(frozen=True)
class _Font:
    """A size in points and a weight, so measuring and drawing use the same font."""

    size: float
    bold: bool = False

    @property
    def line(self) -> float:
        """Return the line height in pixels, so wrapped lines never touch."""
        return self.size * _PX_PER_PT * _LINE_SPACING


@dataclass(frozen=True)
class _Style:
    """Every size at one trial scale, so the whole chart grows or shrinks together."""

    title: _Font
    subtitle: _Font
    heading: _Font
    label: _Font
    value: _Font
    bar: float
    gap: float
    panel_gap: float

    @classmethod
    def at(cls, scale: float, extra_gap: float = 0.0) -> _Style:
        """Scale sizes chosen to read at phone width: 1080 px shown about 360 pt wide."""
        return cls(
            title=_Font(32 * scale, bold=True),
            subtitle=_Font(24 * scale),
            heading=_Font(27 * scale, bold=True),
            label=_Font(24 * scale),
            value=_Font(24 * scale, bold=True),
            bar=42 * scale,
            gap=18 * scale,
            panel_gap=44 * scale + extra_gap,
        )


@dataclass(frozen=True)
class _Line:
    """One line of text at left-to-right page pixels from the top, mirrored later for RTL."""

    x: float
    y: float  # vertical centre
    text: str
    font: _Font
    color: str


@dataclass(frozen=True)
class _Box:
    """A filled rectangle at left-to-right page pixels from the top, mirrored later for RTL."""

    x: float
    y: float
    width: float
    height: float
    color: str


@dataclass(frozen=True)
class _Columns:
    """Where labels end and bars start, shared by every panel so the bars line up."""

    label_width: float
    bar_x: float
    bar_length: float
    pad: float


class _Typesetter:
    """Cleans, measures and wraps text with one chart's fonts, so layout matches drawing."""

    def __init__(self, renderer: RendererAgg, families: tuple[str, ...]) -> None:
        """Keep the renderer that measures text exactly as it will be drawn."""
        self._renderer = renderer
        self.families = families
        self._props: dict[_Font, FontProperties] = {}
        self._widths: dict[tuple[str, _Font], float] = {}

    def prop(self, font: _Font) -> FontProperties:
        """Return font properties passed to each text, so no global rcParams change."""
        if font not in self._props:
            from matplotlib.font_manager import FontProperties  # noqa: PLC0415

            self._props[font] = FontProperties(
                family=list(self.families),
                size=font.size,
                weight="bold" if font.bold else "normal",
            )
        return self._props[font]

    def clean(self, text: str, font: _Font) -> str:
        """Collapse whitespace and swap glyphless characters, so nothing warns or logs text."""
        covered = _coverage(self.families, font.bold)
        kept: list[str] = []
        for char in _SPACES.sub(" ", text).strip(" "):
            if ord(char) in covered or char == " " or char in _CONTROLS:
                kept.append(char)
            elif not unicodedata.category(char).startswith(("C", "M")):
                kept.append(_PLACEHOLDER)
        return "".join(kept)

    def width(self, text: str, font: _Font) -> float:
        """Measure text in pixels after shaping, as the Agg renderer will draw it."""
        key = (text, font)
        if key not in self._widths:
            measured = self._renderer.get_text_width_height_descent(
                text, self.prop(font), ismath=False
            )
            self._widths[key] = measured[0] if text else 0.0
        return self._widths[key]

    def wrap(self, text: str, font: _Font, width: float, max_lines: int) -> list[str]:
        """Break at spaces or between CJK characters to fit width, ending in … if cut short."""
        if self.width(text, font) <= width:
            return [text] if text else []
        lines: list[str] = []
        line = ""
        for token in _TOKENS.findall(text):
            if line and self.width((line + token).rstrip(" "), font) > width:
                lines.extend(self._split(line.rstrip(" "), font, width))
                line = ""
            line += token
        if line:
            lines.extend(self._split(line.rstrip(" "), font, width))
        if len(lines) > max_lines:
            lines = [*lines[: max_lines - 1], self._shorten(lines[max_lines - 1], font, width)]
        return lines

    def _split(self, line: str, font: _Font, width: float) -> list[str]:
        """Break a single word wider than the column between characters, as a last resort."""
        pieces: list[str] = []
        while len(line) > 1 and self.width(line, font) > width:
            low, high = 1, len(line) - 1  # the longest prefix that fits, by bisection
            while low < high:
                middle = (low + high + 1) // 2
                if self.width(line[:middle], font) <= width:
                    low = middle
                else:
                    high = middle - 1
            while low > 1 and unicodedata.combining(line[low]):
                low -= 1  # keep a mark with its letter
            pieces.append(line[:low])
            line = line[low:].lstrip(" ")
        return [*pieces, line]

    def _shorten(self, line: str, font: _Font, width: float) -> str:
        """End the last allowed line with an ellipsis that still fits."""
        while line and self.width(line + "…", font) > width:
            line = line[:-1].rstrip(" ")
        return line + "…"


class _Page:
    """Lays a chart out top to bottom at one trial style, in left-to-right pixels."""

    def __init__(self, setter: _Typesetter, style: _Style, hidden_text: str, top: float) -> None:
        """Start at the given top edge with nothing placed."""
        self.setter = setter
        self.style = style
        self.hidden_text = hidden_text
        self.ops: list[_Line | _Box] = []
        self.y = top
        self.left = _MARGIN
        self.right = WIDTH_PX - _MARGIN

    def paragraph(self, text: str, font: _Font, color: str, max_lines: int) -> None:
        """Place full-width wrapped text, such as a title."""
        cleaned = self.setter.clean(text, font)
        lines = self.setter.wrap(cleaned, font, self.right - self.left, max_lines)
        self._lines(lines, font, color, self.left, self.y)
        self.y += len(lines) * font.line

    def panel(self, panel: Panel, color: str, columns: _Columns) -> None:
        """Place a panel's title, its rows, and an axis line where the bars start."""
        self.y += self.style.panel_gap
        self.paragraph(panel.title, self.style.heading, _INK, max_lines=2)
        self.y += self.style.gap * 0.6
        top = self.y
        maximum = _axis_maximum(panel)
        for bar in panel.bars:
            self._row(bar, color, maximum, columns)
        if panel.bars:
            bottom = self.y - self.style.gap
            self.ops.append(_Box(columns.bar_x - 2, top - 4, 2, bottom - top + 8, _AXIS))

    def _row(self, bar: Bar, color: str, maximum: float, columns: _Columns) -> None:
        """Place one label and its bar and value, or the hidden marker instead of a bar."""
        style, setter = self.style, self.setter
        label = setter.wrap(
            setter.clean(bar.label, style.label), style.label, columns.label_width, 3
        )
        if bar.value is None:
            room = self.right - columns.bar_x - columns.pad
            text = setter.wrap(setter.clean(self.hidden_text, style.label), style.label, room, 2)
            font, ink = style.label, _MUTED
        else:
            text = [setter.clean(bar.display, style.value)]
            font, ink = style.value, _INK
        height = max(len(label) * style.label.line, len(text) * font.line, style.bar)
        centre = self.y + height / 2
        self._lines(
            label, style.label, _INK, self.left, centre - len(label) * style.label.line / 2
        )
        length = 0.0 if bar.value is None else columns.bar_length * _share(bar.value, maximum)
        if length > 0:
            self.ops.append(_Box(columns.bar_x, centre - style.bar / 2, length, style.bar, color))
        start = columns.bar_x + length + columns.pad
        self._lines(text, font, ink, start, centre - len(text) * font.line / 2)
        self.y += height + style.gap

    def _lines(self, lines: list[str], font: _Font, color: str, x: float, top: float) -> None:
        """Place lines one under another from a top edge."""
        for index, text in enumerate(lines):
            self.ops.append(_Line(x, top + (index + 0.5) * font.line, text, font, color))


def _axis_maximum(panel: Panel) -> float:
    """Use the panel's maximum if given, else the largest value, never zero."""
    if panel.maximum is not None and math.isfinite(panel.maximum) and panel.maximum > 0:
        return panel.maximum
    values = [b.value for b in panel.bars if b.value is not None and math.isfinite(b.value)]
    return max([*values, 0.0]) or 1.0


def _share(value: float, maximum: float) -> float:
    """Return the bar's fraction of the axis, clipped to 0..1 so odd data cannot overflow."""
    if not math.isfinite(value) or value <= 0:
        return 0.0
    return min(value / maximum, 1.0)


def _columns(spec: ChartSpec, setter: _Typesetter, style: _Style) -> _Columns:
    """Size the label column to the longest label, up to a share of the width."""
    content = WIDTH_PX - 2 * _MARGIN
    bars = [bar for panel in spec.panels for bar in panel.bars]
    labels = [setter.width(setter.clean(b.label, style.label), style.label) for b in bars]
    values = [setter.width(setter.clean(b.display, style.value), style.value) for b in bars]
    label_width = min(max([*labels, 0.0]), content * _LABEL_SHARE)
    value_width = min(max([*values, 0.0]), content * _VALUE_SHARE)
    pad = style.label.size * _PX_PER_PT * 0.4
    bar_x = _MARGIN + label_width + 2 * pad
    return _Columns(label_width, bar_x, WIDTH_PX - _MARGIN - bar_x - value_width - pad, pad)


def _compose(spec: ChartSpec, setter: _Typesetter, style: _Style, top: float = _MARGIN) -> _Page:
    """Lay out the header and every panel at one style."""
    page = _Page(setter, style, spec.hidden_text, top)
    page.paragraph(spec.title, style.title, _INK, max_lines=3)
    page.y += style.gap * 0.4
    page.paragraph(spec.subtitle, style.subtitle, _MUTED, max_lines=2)
    columns = _columns(spec, setter, style)
    for index, panel in enumerate(spec.panels):
        page.panel(panel, _PALETTE[index % len(_PALETTE)], columns)
    return page


def _plan(spec: ChartSpec, setter: _Typesetter) -> list[_Line | _Box]:
    """Pick the largest scale that fits, then share spare height between gaps and margins."""
    low, high = 0, len(_SCALES) - 1  # scales shrink as the index grows; high always "fits"
    while low < high:
        middle = (low + high) // 2
        if _compose(spec, setter, _Style.at(_SCALES[middle])).y + _MARGIN <= HEIGHT_PX:
            high = middle
        else:
            low = middle + 1
    scale = _SCALES[high]
    page = _compose(spec, setter, _Style.at(scale))
    spare = HEIGHT_PX - _MARGIN - page.y
    if spare <= 0:
        return page.ops  # the smallest scale still overflows: the bottom is cut, never an error
    extra = min(spare / max(len(spec.panels), 1), _MAX_EXTRA_GAP)
    top = _MARGIN + (spare - extra * len(spec.panels)) / 2
    return _compose(spec, setter, _Style.at(scale, extra), top).ops


def _draw(figure: Figure, setter: _Typesetter, ops: list[_Line | _Box], spec: ChartSpec) -> None:
    """Add the planned shapes and text to the figure, mirrored for right-to-left locales."""
    from matplotlib.patches import Rectangle  # noqa: PLC0415
    from matplotlib.patheffects import withStroke  # noqa: PLC0415
    from matplotlib.transforms import IdentityTransform  # noqa: PLC0415

    pixels = IdentityTransform()  # display pixels, y upwards
    for op in ops:
        if isinstance(op, _Box):
            x = WIDTH_PX - op.x - op.width if spec.rtl else op.x
            box = Rectangle(
                (x, HEIGHT_PX - op.y - op.height),
                op.width,
                op.height,
                facecolor=op.color,
                linewidth=0,
                transform=pixels,
            )
            figure.add_artist(box)
            continue
        # The CJK font has no bold: a thin outline in the text colour stands in for it.
        effects = [withStroke(linewidth=op.font.size / 22, foreground=op.color)]
        figure.text(
            WIDTH_PX - op.x if spec.rtl else op.x,
            HEIGHT_PX - op.y,
            op.text,
            fontproperties=setter.prop(op.font),
            color=op.color,
            ha="right" if spec.rtl else "left",
            va="center",
            transform=pixels,
            parse_math=False,
            path_effects=effects if spec.cjk and op.font.bold else None,
        )
