"""Benchmarks, each reported as a ratio against a baseline measured in the same run.

Run with `make bench`. Figures go in closing notes, never in timed tests.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from telegram.ext import ApplicationBuilder  # noqa: E402

from bot.app import build_application, on_startup  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.domain.model import AgeBand, Role  # noqa: E402
from bot.domain.risk import find_risks  # noqa: E402
from bot.domain.text import tokenise  # noqa: E402
from bot.i18n import Catalogs  # noqa: E402
from bot.packs.loader import load_raw_content  # noqa: E402
from bot.packs.registry import ContentRegistry  # noqa: E402
from bot.ports import ManualClock, PromptMessage  # noqa: E402
from bot.sandbox.api import LocalBotApi, MessageIds  # noqa: E402
from bot.sandbox.updates import UpdateFactory  # noqa: E402
from bot.services.assess import SuggestionEngine  # noqa: E402
from bot.services.carers import CarerService  # noqa: E402
from bot.services.evaluate import read_set  # noqa: E402
from bot.services.prompts import PromptService  # noqa: E402
from bot.storage.db import Database, make_engine  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402

REFLECTIONS = {
    "en": [
        "Bedtime was hard again, she woke from a nightmare and cried for a long time.",
        "We baked a cake together and laughed; he let me help with the icing.",
        "Contact with his birth family went badly and he was very upset afterwards.",
        "She refused to get dressed and we had a power struggle before school.",
    ],
    "es": [
        "Hoy tuvo una rabieta enorme antes de dormir y me quedé a su lado.",
        "Cocinamos juntos y nos reímos mucho; estaba muy contento.",
    ],
}


def per_call(fn: Callable[[], object], *, repeat: int = 5, number: int = 300) -> float:
    """Return the median seconds per call."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)


async def per_call_async(fn: Callable[[], Awaitable[object]], *, number: int = 50) -> float:
    """Return the median seconds per awaited call."""
    samples = []
    for _ in range(number):
        start = time.perf_counter()
        await fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def report(name: str, value: float, baseline_name: str, baseline: float, unit: str = "ms") -> None:
    """Print one figure with its ratio."""
    scale = 1000 if unit == "ms" else 1
    print(
        f"{name:<44} {value * scale:9.3f} {unit}   = {value / baseline:7.1f} x {baseline_name}"
        f" ({baseline * scale:.3f} {unit})"
    )


def _labelled_texts() -> list[tuple[str, str]]:
    """A varied workload: every development-set text (risk, ordinary, look-alike), both locales."""
    texts = []
    for path in sorted((ROOT / "tests" / "data" / "judgement" / "dev").glob("*.jsonl")):
        texts += [(item.locale, item.text) for item in read_set(path)]
    return texts


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2], ordered[int(len(ordered) * 0.95)]


def _time_each(texts: list[tuple[str, str]], fn: Callable[[str, str], object]) -> list[float]:
    samples = []
    for locale, sample in texts:
        start = time.perf_counter()
        fn(locale, sample)
        samples.append(time.perf_counter() - start)
    return samples


def bench_judgement(registry: ContentRegistry) -> None:
    """Judgement per reflection (p50/p95) and its memory, against tokenising the same texts."""
    engine = SuggestionEngine(registry)
    texts = _labelled_texts()

    def judge(locale: str, text: str) -> object:
        return engine.assess(
            text, locale=locale, dimension=None, age_band=AgeBand.MIDDLE, role=Role.FOSTER
        )

    def rules(locale: str, text: str) -> object:
        judgement = registry.judgement[locale]
        return find_risks(judgement.normaliser.sentences(text), judgement.risk)

    def embed(locale: str, text: str) -> object:
        pieces = registry.judgement[locale].normaliser.split(text)
        return registry.model.embed([piece for piece, _tokens in pieces])

    _time_each(texts[:20], judge)  # warm the model and caches
    base50, base95 = _percentiles(_time_each(texts, lambda _l, t: tokenise(t)))
    for name, fn in (
        ("whole judgement", judge),
        ("  rules stage", rules),
        ("  sentence model", embed),
    ):
        p50, p95 = _percentiles(_time_each(texts, fn))
        report(f"{name} p50 ({len(texts)} texts)", p50, "tokenise p50", base50)
        report(f"{name} p95", p95, "tokenise p95", base95)
    tracemalloc.start()
    for _locale, sample in texts[:50]:
        tokenise(sample)
    _, token_peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    for locale, sample in texts[:50]:
        judge(locale, sample)
    _, judge_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{'judgement peak Python memory per reflection':<44} {judge_peak / 1e3:9.1f} kB   = "
        f"{judge_peak / token_peak:7.1f} x tokenise ({token_peak / 1e3:.1f} kB)"
    )


def bench_memory() -> None:
    """Memory of loading the content (fresh), and of the sentence model in a process of its own."""
    tracemalloc.start()
    raw = [path.read_text(encoding="utf-8") for path in (ROOT / "content").rglob("*.toml")]
    _, raw_peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    registry = ContentRegistry(load_raw_content(ROOT / "content"))
    _, load_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert raw and registry
    print(
        f"{'content registry load, peak Python memory':<44} {load_peak / 1e6:9.2f} MB   = "
        f"{load_peak / raw_peak:7.1f} x raw TOML text ({raw_peak / 1e6:.2f} MB)"
    )
    loaded = _peak_rss("from bot.packs.registry import ContentRegistry as R; R.load(ROOT)")
    with_model = _peak_rss(
        "from bot.packs.registry import ContentRegistry as R; R.load(ROOT).model.embed(['hi'])"
    )
    bare = _peak_rss("import telegram.ext")
    print(
        f"{'process peak RSS: content loaded':<44} {loaded / 1e6:9.1f} MB   = "
        f"{loaded / bare:7.1f} x import telegram.ext ({bare / 1e6:.1f} MB)"
    )
    print(
        f"{'  + sentence model loaded and used':<44} {(with_model - loaded) / 1e6:9.1f} MB"
        "   (the bundled model, reported separately)"
    )


def _peak_rss(code: str) -> int:
    """Run code in a fresh interpreter and return its peak resident memory in bytes."""
    # VmHWM is this process's own high-water mark; ru_maxrss would carry the parent's over exec.
    script = (
        f"import sys; from pathlib import Path; ROOT = Path({str(ROOT / 'content')!r}); "
        f"sys.path.insert(0, {str(ROOT)!r}); {code}; "
        "print(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return int(out.stdout.split()[-1]) * 1024


def bench_startup(settings: Settings) -> None:
    """A cold process that builds the Application, and a warm rebuild, against bare PTB."""

    def bare() -> None:
        ApplicationBuilder().token("1:x").request(LocalBotApi()).build()

    def full() -> None:
        build_application(settings, request=LocalBotApi()).bot_data.services.db.dispose()

    cold = _process_seconds(
        "from bot.app import build_application; from bot.config import Settings; "
        "from bot.sandbox.api import LocalBotApi; "
        f"build_application(Settings(database_url={settings.database_url!r}, _env_file=None), "
        "request=LocalBotApi()).bot_data.services.db.dispose()"
    )
    report(
        "startup: cold process + build_application",
        cold,
        "import telegram.ext",
        _process_seconds("import telegram.ext"),
        unit="s",
    )
    report(
        "startup: warm rebuild (content already loaded)",
        per_call(full, repeat=3, number=3),
        "bare ApplicationBuilder",
        per_call(bare, repeat=3, number=3),
    )


def _process_seconds(code: str, runs: int = 3) -> float:
    """Median wall time of a fresh interpreter running ``code``."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


async def bench_round_trip(settings: Settings) -> None:
    """Update in to reply out: a reflection, against /help (no database write)."""
    api = LocalBotApi(ids=MessageIds())
    clock = ManualClock(datetime(2026, 11, 23, 12, tzinfo=UTC))
    app = build_application(settings, request=api, clock=clock)
    users = UpdateFactory(app.bot, api.ids)
    async with app:
        await on_startup(app)
        for step in ("/start",):
            await app.process_update(users.text(step))
        for data in (
            "cfgob:lang:en",
            "cfgob:role:foster",
            "cfgob:age:middle",
            "cfgob:days:done",
            "cfgob:time:19:30",
            "cfgob:tz:Europe/London",
            "cfgob:privacy:ok",
        ):
            await app.process_update(users.callback(data))
        await app.process_update(users.text("/prompt"))
        texts = iter(REFLECTIONS["en"] * 100)
        help_time = await per_call_async(lambda: app.process_update(users.text("/help")))
        reflect = await per_call_async(lambda: app.process_update(users.text(next(texts))))
        prompt = await per_call_async(lambda: app.process_update(users.text("/prompt")))
    app.bot_data.services.db.dispose()
    report("round trip: reflection -> suggestion", reflect, "/help", help_time)
    report("round trip: /prompt", prompt, "/help", help_time)


class NullNotifier:
    """Accept every prompt instantly, so the sweep's own cost is what is measured."""

    async def send_prompt(self, message: PromptMessage) -> int:
        return message.delivery_id


async def bench_sweep(url: str, carers: int) -> None:
    """Sweep N due carers, against inserting N rows one transaction each."""
    engine = make_engine(url)
    upgrade(engine)
    db = Database(engine)
    clock = ManualClock(datetime(2026, 11, 23, 8, tzinfo=UTC))
    service = CarerService(db, clock, Catalogs.load(ROOT / "locales"))
    for user in range(1, carers + 1):
        await service.start(telegram_user_id=user, chat_id=user, language_code="en")
        await service.set_timezone(user, "Europe/London")
        await service.finish_onboarding(user)
    clock.advance(timedelta(hours=12))
    prompts = PromptService(db, ContentRegistry.load(ROOT / "content"), clock, NullNotifier())
    start = time.perf_counter()
    result = await prompts.sweep()
    sweep = time.perf_counter() - start
    assert result.sent == carers, result
    with engine.begin() as connection:
        connection.execute(text("create table bench_rows (id integer primary key, n integer)"))
    start = time.perf_counter()
    for n in range(carers):
        with engine.begin() as connection:
            connection.execute(text("insert into bench_rows (n) values (:n)"), {"n": n})
    baseline = time.perf_counter() - start
    engine.dispose()
    report(
        f"sweep of {carers} due carers (SQLite)",
        sweep,
        f"{carers} single-row inserts",
        baseline,
        unit="s",
    )


async def main() -> None:
    """Run every benchmark."""
    registry = ContentRegistry.load(ROOT / "content")
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url=f"sqlite:///{folder}/bench.db", _env_file=None)
        bench_memory()
        bench_judgement(registry)
        bench_startup(settings)
        await bench_round_trip(settings)
        await bench_sweep(f"sqlite:///{folder}/sweep.db", carers=500)


if __name__ == "__main__":
    asyncio.run(main())
