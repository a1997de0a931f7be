"""Trainer reports: aggregation, chart and QR rendering, each as a ratio to a baseline.

Run with `make bench`. A group of 60 carers with a week of prompts and reflections is built in
a temporary SQLite database; the report is read through ``TrainerService.report`` (the same
call /report makes) and compared with the trainer's home screen, one small read. The chart is
compared with rendering an empty figure of the same size (matplotlib's floor).
"""

from __future__ import annotations

import asyncio
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from bot.domain.model import Dimension, Tone  # noqa: E402
from bot.handlers import trainer_texts  # noqa: E402
from bot.handlers.trainers import qr_png  # noqa: E402
from bot.i18n import Catalogs  # noqa: E402
from bot.ports import ManualClock  # noqa: E402
from bot.reports.chart import HEIGHT_PX, WIDTH_PX, render_chart  # noqa: E402
from bot.services.trainer_views import Visitor  # noqa: E402
from bot.services.trainers import TrainerService  # noqa: E402
from bot.storage.db import Database, make_engine  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from bot.storage.models import Carer, GroupMember, PromptDelivery, Reflection  # noqa: E402

CARERS = 60
START = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TRAINER = 2001


def _median(fn: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _populate(db: Database, group_id: int) -> None:
    """Sixty carers, three prompts each, two reflections each, across the dimensions."""
    dimensions = list(Dimension)

    def work(session: object) -> None:
        for index in range(CARERS):
            carer = Carer(
                telegram_user_id=10_000 + index, chat_id=10_000 + index, locale="en",
                timezone="Europe/London", onboarded_at=START,
            )  # fmt: skip
            session.add(carer)  # type: ignore[attr-defined]
            session.flush()  # type: ignore[attr-defined]
            assert carer.id is not None
            session.add(GroupMember(group_id=group_id, carer_id=carer.id, joined_at=START))  # type: ignore[attr-defined]
            for day in range(3):
                sent = START + timedelta(days=2 * day, hours=7)
                session.add(  # type: ignore[attr-defined]
                    PromptDelivery(
                        carer_id=carer.id, prompt_id="availability.p01", dimension="availability",
                        kind="scheduled", due_at=sent, status="sent", sent_at=sent,
                    )
                )  # fmt: skip
            for n in range(2):
                session.add(  # type: ignore[attr-defined]
                    Reflection(
                        carer_id=carer.id, text="x", locale="en", telegram_message_id=n + 1,
                        dimension=dimensions[(index + n) % 5].value,
                        tone=(Tone.STRUGGLE if n else Tone.POSITIVE).value,
                        created_at=START + timedelta(days=n, hours=8),
                    )
                )  # fmt: skip

    db.run_sync(work)


async def main() -> None:
    """Print report, chart and QR figures with their baselines."""
    catalogs = Catalogs.load(ROOT / "locales")
    with tempfile.TemporaryDirectory() as folder:
        db = Database(make_engine(f"sqlite:///{folder}/bench.db"))
        upgrade(db.engine)
        clock = ManualClock(START)
        service = TrainerService(
            db, clock, shipped_plans=(), default_zones={}, negotiate=lambda _code: "en"
        )
        service.add(str(TRAINER), "Bench")
        await service.open_hub(Visitor(user_id=TRAINER, chat_id=TRAINER, name="Bench"))
        await service.ask(TRAINER, "group_name")
        screen = db.run_sync(lambda session: service.typed(session, TRAINER, "Bench group"))
        group_id = screen.group.id  # type: ignore[union-attr]
        _populate(db, group_id)
        clock.advance(timedelta(days=6))
        loop = asyncio.get_running_loop()
        runs = 30
        report_s = statistics.median(
            [await _timed(lambda: service.report(TRAINER, group_id, 0)) for _ in range(runs)]
        )
        hub_s = statistics.median(
            [await _timed(lambda: service.hub(TRAINER)) for _ in range(runs)]
        )
        shown = await service.report(TRAINER, group_id, 0)
        _line("report figures (60 carers, one week)", report_s, hub_s, "trainer home screen")
        for locale in ("en", "ar", "zh"):
            t = catalogs.get(locale)
            spec = trainer_texts.chart_spec(t, _Names(), shown)
            assert spec is not None
            render_chart(spec)  # warm: fonts and matplotlib loaded once per process
            chart_s = await loop.run_in_executor(None, _median, lambda s=spec: render_chart(s), 10)
            empty_s = _median(_empty_figure, 10)
            size = len(render_chart(spec))
            name = f"chart render ({locale}, {WIDTH_PX}x{HEIGHT_PX} PNG, {size / 1024:.0f} KiB)"
            _line(name, chart_s, empty_s, "empty figure")
        link = "https://t.me/securebase_bot?start=g_abcdefghijklmnop"
        qr_s = _median(lambda: qr_png(link), 20)
        _line(f"QR code (join link, {len(qr_png(link))} bytes)", qr_s, empty_s, "empty figure")
        db.dispose()


def _line(name: str, seconds: float, baseline: float, baseline_name: str) -> None:
    """Print one figure with its ratio to the baseline of the same run."""
    print(
        f"{name:<48} {seconds * 1e3:9.3f} ms = {seconds / baseline:5.1f} x {baseline_name}"
        f" ({baseline * 1e3:.3f} ms)"
    )


async def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    await call()  # type: ignore[misc]
    return time.perf_counter() - start


class _Names:
    """Dimension names without loading every pack (the figures do not depend on them)."""

    def dimension_name(self, dimension: Dimension, locale: str) -> str:
        del locale  # the same placeholder name in every locale
        return dimension.value.replace("_", " ").capitalize()


def _empty_figure() -> bytes:
    figure = Figure(figsize=(WIDTH_PX / 100, HEIGHT_PX / 100), dpi=100)
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


if __name__ == "__main__":
    asyncio.run(main())
