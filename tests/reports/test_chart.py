"""The weekly report chart: a phone-sized PNG whose text every script the bot speaks can read."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font
from PIL import Image

from bot.reports import chart
from bot.reports.chart import (
    HEIGHT_PX,
    WIDTH_PX,
    Bar,
    ChartSpec,
    Panel,
    font_files,
    render_chart,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BLUE = (0, 114, 178)  # the first panel's Okabe–Ito blue

ENGLISH = ChartSpec(
    title="Riverside carers group — week of 16 November 2026",
    subtitle="7 carers · 12 reflections",
    panels=(
        Panel(
            "Reflections by dimension",
            (
                Bar("Availability", 4, "4"),
                Bar("Sensitivity", None, ""),
                Bar("Acceptance", 3, "3"),
                Bar("Co-operation", None, ""),
                Bar("Family membership", 5, "5"),
            ),
        ),
        Panel(
            "This week",
            (
                Bar("Response rate", 57, "57 %"),
                Bar("Reflections about something that went well", 42, "42 %"),
            ),
            maximum=100,
        ),
        Panel("Activity", (Bar("Carers who wrote", 7, "7"), Bar("Prompts sent", 21, "21"))),
    ),
    hidden_text="fewer than 5",
    rtl=False,
    cjk=False,
)

# Arabic, and Central Kurdish with the letters Arabic lacks: ڕ ڵ ێ ۆ ە پ چ ژ گ ڤ.
RIGHT_TO_LEFT = ChartSpec(
    title="گرووپی چاودێرانی ڕیڤەرساید — مجموعة مقدمي الرعاية",
    subtitle="٧ چاودێر — ١٢ ڕەنگدانەوە",
    panels=(
        Panel(
            "ڕەنگدانەوەکان بەپێی ڕەهەند",
            (
                Bar("ئامادەبوون", 4, "4"),
                Bar("قبوڵکردن", None, ""),
                Bar("ئەندامبوون لە بنەماڵە", 5, "5"),
                Bar("چاودێرانی نووسیویانە ژ گ ڤ پ ۆ", 3, "3"),
            ),
        ),
        Panel(
            "التأملات حسب البُعد",
            (Bar("الانتماء للأسرة", 60, "60 %"), Bar("التقبّل", None, "")),
            maximum=100,
        ),
    ),
    hidden_text="کەمتر لە ٥ — أقل من 5",
    rtl=True,
    cjk=False,
)

CHINESE = ChartSpec(
    title="河畔寄养家长小组 — 2026年11月16日这一周",
    subtitle="7 位照顾者 · 12 条反思",
    panels=(
        Panel(
            "按维度统计的反思",
            (
                Bar("可靠陪伴", 4, "4"),
                Bar("敏锐体察", None, ""),
                Bar("无条件接纳", 3, "3"),
                Bar("携手合作", None, ""),
                Bar("家庭归属", 5, "5"),
            ),
        ),
        Panel("本周", (Bar("回复率", 57, "57 %"), Bar("关于顺利之事的反思", 42, "42 %")), 100),
    ),
    hidden_text="少于 5 人",
    rtl=False,
    cjk=True,
)


@cache
def rendered(spec: ChartSpec) -> bytes:
    return render_chart(spec)


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_SIGNATURE)
    assert png[12:16] == b"IHDR"  # the first chunk, right after its 4-byte length
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def pixels_of(png: bytes, colour: tuple[int, int, int]) -> np.ndarray:
    """Return the (row, column) of every pixel of exactly this colour."""
    with Image.open(io.BytesIO(png)) as image:
        rgb = np.asarray(image.convert("RGB"))
    return np.argwhere((rgb == np.array(colour, dtype=np.uint8)).all(axis=2))


def strings(spec: ChartSpec) -> list[str]:
    texts = [spec.title, spec.subtitle, spec.hidden_text]
    for panel in spec.panels:
        texts.append(panel.title)
        texts.extend(text for bar in panel.bars for text in (bar.label, bar.display))
    return texts


def test_english_report_is_a_phone_sized_png() -> None:
    assert png_size(rendered(ENGLISH)) == (WIDTH_PX, HEIGHT_PX) == (1080, 1350)


def test_arabic_and_kurdish_report_renders_mirrored() -> None:
    png = rendered(RIGHT_TO_LEFT)
    assert png_size(png) == (1080, 1350)
    # Labels sit on the reading side, so the bars lie on the other half of the page.
    assert pixels_of(png, BLUE)[:, 1].mean() < WIDTH_PX / 2
    assert pixels_of(rendered(ENGLISH), BLUE)[:, 1].mean() > WIDTH_PX / 2


def test_chinese_report_renders_with_a_bundled_cjk_font() -> None:
    assert png_size(rendered(CHINESE)) == (1080, 1350)
    cjk_font, base_font = font_files(cjk=True)
    assert cjk_font.name == "NotoSansSC-Regular.otf"
    assert base_font.name == "DejaVuSans.ttf"


def test_hidden_bars_render_as_text_without_a_bar() -> None:
    spec = ChartSpec(
        title="Small group",
        subtitle="",
        panels=(Panel("Reflections by dimension", (Bar("Availability", None, "3"),)),),
        hidden_text="fewer than 5",
        rtl=False,
        cjk=False,
    )
    png = render_chart(spec)
    assert png_size(png) == (1080, 1350)
    assert len(pixels_of(png, BLUE)) == 0
    assert len(pixels_of(rendered(ENGLISH), BLUE)) > 1000


def test_every_character_of_the_test_labels_has_a_glyph() -> None:
    for spec in (ENGLISH, RIGHT_TO_LEFT, CHINESE):
        covered: set[int] = set()
        for path in font_files(cjk=spec.cjk):
            covered.update(FT2Font(path).get_charmap())
        missing = {c for text in strings(spec) for c in text if ord(c) not in covered}
        assert not missing, (spec.title, sorted(missing))


def test_arabic_and_kurdish_letters_are_joined_when_drawn() -> None:
    # Joined (initial, medial, final) forms are narrower than isolated ones; unshaped text
    # would measure exactly the sum of isolated letters.
    renderer = FigureCanvasAgg(Figure()).get_renderer()
    font = FontProperties(family="DejaVu Sans", size=40)

    def width(text: str) -> float:
        return renderer.get_text_width_height_descent(text, font, ismath=False)[0]

    for letter in "بلێڵ":  # Arabic beh and lam; Kurdish yeh and lam with small v
        assert width(letter * 3) < 0.8 * 3 * width(letter), letter


def test_rendering_is_deterministic_and_thread_safe() -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(render_chart, [CHINESE, RIGHT_TO_LEFT]))
    assert results == [rendered(CHINESE), rendered(RIGHT_TO_LEFT)]


def test_characters_no_font_has_are_replaced_without_a_warning() -> None:
    # pytest turns warnings into errors here, and matplotlib's missing-glyph warning
    # would quote the character: label text must never reach logs.
    panel = Panel("Mood 🙂", (Bar("ok ✅", 1, "1"),))
    spec = ChartSpec("Group 🌟", "", (panel,), hidden_text="", rtl=False, cjk=False)
    assert png_size(render_chart(spec)) == (1080, 1350)


def test_without_the_cjk_font_package_chinese_degrades_to_boxes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def forget_fonts() -> None:
        for cached in (chart._cjk_font, chart._cjk_family, chart._coverage):
            cached.cache_clear()

    monkeypatch.setitem(sys.modules, "pylopdf_fonts_zh_cn", None)  # import now fails
    forget_fonts()
    try:
        assert [path.name for path in font_files(cjk=True)] == ["DejaVuSans.ttf"]
        assert png_size(render_chart(CHINESE)) == (1080, 1350)  # and no glyph warning
    finally:
        monkeypatch.undo()
        forget_fonts()
    assert len(font_files(cjk=True)) == 2


def test_importing_the_module_leaves_matplotlib_unloaded() -> None:
    code = "import sys, bot.reports.chart; print('matplotlib' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert result.stdout.strip() == "False"
