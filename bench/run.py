"""Benchmarks, each reported as a ratio against a baseline measured in the same run.

Run with `make bench`. Figures go in closing notes, never in timed tests. Where the issue set a
goal, the line ends with the goal and PASS or MISS.

The round trips hand updates to the application's update processor, as polling and the webhook
do, and time each until the reply's Bot API request was answered: over real HTTP (a small Bot
API server in a process of its own, ``python bench/run.py --serve-bot-api``) and in process
(the recording ``LocalBotApi``), each against a bare PTB echo bot on the same transport. The
judgement engine's own time (``SuggestionEngine.assess``) is measured per reflection and
reported beside; the ratio to the echo bot leaves it out.
"""

from __future__ import annotations

import itertools
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXED_DATE = 1_700_000_000
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}


class BotApiHandler(BaseHTTPRequestHandler):
    """Answer the Bot API methods a round trip uses, as Telegram does, over keep-alive HTTP."""

    protocol_version = "HTTP/1.1"  # keep the connection open between requests, like Telegram
    # Headers and body leave in one segment, at once: no Nagle / delayed-ACK stall per reply.
    disable_nagle_algorithm = True
    wbufsize = 64 * 1024
    message_ids: ClassVar[itertools.count[int]] = itertools.count(1_000_000)

    def do_POST(self) -> None:
        """Read a form-encoded Bot API call and answer it."""
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        params = {key: values[0] for key, values in parse_qs(body).items()}
        method = self.path.rsplit("/", 1)[-1]
        result: object = True
        if method == "getMe":
            result = BOT_USER
        elif method in ("sendMessage", "editMessageText"):
            result = {
                "message_id": next(self.message_ids),
                "date": FIXED_DATE,
                "chat": {"id": int(json.loads(params.get("chat_id", "0"))), "type": "private"},
                "text": params.get("text", ""),
            }
        payload = json.dumps({"ok": True, "result": result}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        """Stay quiet."""


def serve_bot_api() -> None:
    """Serve on a free local port; print the root URL, then serve until killed."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BotApiHandler)
    print(f"http://127.0.0.1:{server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__" and sys.argv[1:] == ["--serve-bot-api"]:
    serve_bot_api()  # before the imports below: the server process needs none of them
    sys.exit()

import asyncio  # noqa: E402
import compileall  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Awaitable, Callable, Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402

import snowballstemmer  # noqa: E402
from snowballstemmer.english_stemmer import EnglishStemmer  # noqa: E402
from sqlalchemy import text  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import Application, ApplicationBuilder, MessageHandler, filters  # noqa: E402
from telegram.request import BaseRequest  # noqa: E402

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
from bot.scheduling.sender import Pace, PacedSender  # noqa: E402
from bot.services.assess import SuggestionEngine  # noqa: E402
from bot.services.carers import CarerService  # noqa: E402
from bot.services.evaluate import read_set  # noqa: E402
from bot.services.prompts import PromptService  # noqa: E402
from bot.storage.db import Database, make_engine  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from bot.storage.sender_lock import SenderLock  # noqa: E402

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
ONBOARDING = (
    "cfgob:lang:en",
    "cfgob:role:foster",
    "cfgob:age:middle",
    "cfgob:days:done",
    "cfgob:time:19:30",
    "cfgob:tz:Europe/London",
    "cfgob:privacy:ok",
)
ROUND_TRIPS = 120  # about a year of one carer's reflections: a realistic history to read


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
    scale = {"ms": 1e3, "us": 1e6}.get(unit, 1)
    print(
        f"{name:<44} {value * scale:9.3f} {unit}   = {value / baseline:7.1f} x {baseline_name}"
        f" ({baseline * scale:.3f} {unit})"
    )


def judged(line: str, *, ok: bool, goal: str) -> None:
    """Print a figure the issue set a goal for, with the goal and PASS or MISS."""
    print(f"{line}   goal {goal}: {'PASS' if ok else 'MISS'}")


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
    registry.warm(registry.locales)  # the per-reflection cost, not each locale's one-off compile

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
        if fn is judge:
            judged(
                f"{'  whole judgement p95, in ms':<44} {p95 * 1e3:9.3f} ms",
                ok=p95 < 0.030,
                goal="< 30 ms",
            )
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


def bench_stemmer() -> None:
    """Check Snowball stems come from PyStemmer's C code, and how much faster that is."""
    stemmer = snowballstemmer.stemmer("english")
    module = type(stemmer).__module__
    pure = EnglishStemmer()  # the library's own pure-Python algorithm
    words = [word for text in REFLECTIONS["en"] for word in text.lower().split()] * 20
    judged(
        f"{'snowball stemmer in use':<44} {module}.{type(stemmer).__name__}",
        ok=module == "Stemmer",
        goal="PyStemmer (C)",
    )
    report(
        "  stem a word",
        per_call(lambda: [stemmer.stemWord(word) for word in words], number=20) / len(words),
        "pure-Python snowballstemmer",
        per_call(lambda: [pure.stemWord(word) for word in words], number=20) / len(words),
        unit="us",
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
    return _status(code, "VmHWM")


def _status(code: str, field: str) -> int:
    """Run code in a fresh interpreter and return one /proc/self/status memory figure, bytes."""
    script = (
        f"import sys; from pathlib import Path; ROOT = Path({str(ROOT / 'content')!r}); "
        f"sys.path.insert(0, {str(ROOT)!r})\n{code}\nimport gc; gc.collect(); "
        f"print(next(l for l in open('/proc/self/status') if l.startswith({field!r})).split()[1])"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return int(out.stdout.split()[-1]) * 1024


# As ``python -m bot run`` and ``serve`` start (bot.cli._started): the collector paused.
BUILD = (
    "from bot.startup import collector_paused\n"
    "with collector_paused():\n"
    "    from bot.app import build_application; from bot.config import Settings; "
    "from bot.sandbox.api import LocalBotApi; "
    "app = build_application(Settings(database_url={url!r}, _env_file=None), "
    "request=LocalBotApi())\n"
)
BARE_PTB = (
    "from telegram.ext import ApplicationBuilder; from bot.sandbox.api import LocalBotApi; "
    "app = ApplicationBuilder().token('1:x').request(LocalBotApi()).build()"
)
# The stack the project must use, imported and nothing of ours: the floor under both goals.
REQUIRED_STACK = (
    "import telegram.ext, sqlmodel, sqlalchemy.orm, apscheduler.schedulers.asyncio, "
    "babel.support, pydantic_settings"
)


def bench_rss(folder: str) -> None:
    """Resident memory of a process holding the built Application, against bare PTB."""
    build = BUILD.format(url=f"sqlite:///{folder}/rss.db")
    bare = _status(BARE_PTB, "VmRSS")
    first = _status(build, "VmRSS")  # a new database: Alembic creates the schema
    built = _status(build, "VmRSS")  # a restart, as every later start is
    judged(
        f"{'RSS: built Application (model not loaded)':<44} {built / 1e6:9.1f} MB   = "
        f"{built / bare:7.1f} x bare PTB Application ({bare / 1e6:.1f} MB)",
        ok=built <= 2 * bare,
        goal="<= 2x",
    )
    print(f"{'  first start on a new database':<44} {first / 1e6:9.1f} MB   (Alembic loaded)")
    english = _status(f"{build}app.bot_data.services.content.warm(['en'])", "VmRSS")
    print(
        f"{'  + English compiled (a one-language agency)':<44} {(english - built) / 1e6:9.1f} MB"
        "   (rules, vectors, numpy; right after start)"
    )
    with_model = _status(f"{build}app.bot_data.services.content.model.embed(['hi'])", "VmRSS")
    print(
        f"{'  + sentence model (first judgement)':<44} {(with_model - built) / 1e6:9.1f} MB"
        "   (the bundled model, loaded lazily, reported separately)"
    )
    every_locale = _status(
        f"{build}content = app.bot_data.services.content; content.warm(content.locales)",
        "VmRSS",
    )
    print(
        f"{'  + rules of all ten locales compiled':<44} {(every_locale - built) / 1e6:9.1f} MB"
        "   (each locale compiles when its carers first write)"
    )
    imported = _status("import bot.app", "VmRSS")
    # Carers' words not in words.tsv open the dictionaries, lazily: here every enabled locale's.
    opened = _status(
        f"{build}from bot.packs.language import lemmatiser_for; "
        "[lemmatiser_for(locale)('a') for locale in "
        "('en', 'es', 'fr', 'it', 'sv', 'nb', 'uk', 'ar', 'ckb', 'zh')]",
        "VmRSS",
    )
    stack = _status(f"{REQUIRED_STACK}; {BARE_PTB}", "VmRSS")
    print(
        f"{'  floor: required stack imported, bare PTB':<44} {stack / 1e6:9.1f} MB   = "
        f"{stack / bare:7.1f} x bare PTB (PTB, SQLModel, APScheduler, Babel, pydantic-settings)"
    )
    print(f"{'  of which imports (import bot.app)':<44} {(imported - bare) / 1e6:9.1f} MB")
    print(f"{'  of which content, rules and the rest':<44} {(built - imported) / 1e6:9.1f} MB")
    print(
        f"{'  + simplemma dictionaries (10 locales, lazy)':<44} {(opened - built) / 1e6:9.1f} MB"
        "   (opened by the first carer word not in words.tsv)"
    )


def compile_bytecode() -> None:
    """Compile bot/ as pip compiles an installed package, so both sides of a ratio load bytecode.

    A deployed process writes its own on the first start; this machine's environment may set
    PYTHONDONTWRITEBYTECODE, which would leave every start of ours compiling the source again.
    """
    compileall.compile_dir(ROOT / "bot", quiet=1)
    print(f"{'bytecode of bot/ compiled first':<44} (as pip compiles telegram and the stack)")


def bench_startup(settings: Settings) -> None:
    """A cold process that builds the Application, and a warm rebuild, against bare PTB."""

    def bare() -> None:
        ApplicationBuilder().token("1:x").request(LocalBotApi()).build()

    def full() -> None:
        build_application(settings, request=LocalBotApi()).bot_data.services.db.dispose()

    build = BUILD.format(url=settings.database_url) + "app.bot_data.services.db.dispose()"
    first = _process_seconds(build, runs=1)  # creates the schema; every later start is a restart
    cold = _process_seconds(build)
    baseline = _process_seconds("import telegram.ext")
    judged(
        f"{'startup: cold process + build_application':<44} {cold:9.3f} s    = "
        f"{cold / baseline:7.1f} x import telegram.ext ({baseline:.3f} s)",
        ok=cold <= 2.5 * baseline,
        goal="<= 2.5x",
    )
    print(f"{'  first start on a new database':<44} {first:9.3f} s    (Alembic migrations)")
    stack = _process_seconds(REQUIRED_STACK)
    print(
        f"{'  floor: required stack imported only':<44} {stack:9.3f} s    = "
        f"{stack / baseline:7.1f} x import telegram.ext (nothing of ours)"
    )
    _startup_phases(settings)
    report(
        "startup: warm rebuild (content already loaded)",
        per_call(full, repeat=3, number=3),
        "bare ApplicationBuilder",
        per_call(bare, repeat=3, number=3),
    )


PHASES = """
import json, sys, time
marks = [time.perf_counter()]
import telegram.ext
marks.append(time.perf_counter())
import bot.app
marks.append(time.perf_counter())
from bot.config import Settings
from bot.packs.validate import load_validated
settings = Settings(database_url={url!r}, _env_file=None)
content, _ = load_validated(settings.content_dir, settings.locales_dir)
marks.append(time.perf_counter())
from bot.storage.db import make_engine
from bot.storage.migrate import ensure_current
ensure_current(make_engine(settings.database_url))
marks.append(time.perf_counter())
from bot.packs.language import opened_dictionaries
opened = sorted(opened_dictionaries())
compiled_at_start = list(content.judgement.compiled)
content.warm(["en"])
marks.append(time.perf_counter())
content.warm(content.locales)
marks.append(time.perf_counter())
print(json.dumps({{"lazy": "timezonefinder" not in sys.modules,
                  "opened": opened, "compiled": compiled_at_start,
                  "phases": [b - a for a, b in zip(marks, marks[1:])]}}))
"""


def _startup_phases(settings: Settings) -> None:
    """Say what a cold start spends its time on, phase by phase, in a fresh process."""
    url = settings.database_url  # migrated by the first start above
    out = subprocess.run(
        [sys.executable, "-c", PHASES.format(url=url)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    result = json.loads(out.stdout)
    ptb, ours, content, migrate, english, others = result["phases"]
    for name, seconds in (
        ("import telegram.ext", ptb),
        ("the rest of import bot.app", ours),
        ("packs, rules, catalogs: load and validate", content),
        ("schema check (database at head)", migrate),
    ):
        print(f"{'  ' + name:<44} {seconds:9.3f} s")
    compiled = ", ".join(result["compiled"]) or "none (each compiles on first use)"
    print(f"{'  locales compiled at start-up':<44} {compiled}")
    print(
        f"{'  + one locale on first use (en)':<44} {english:9.3f} s"
        "   (in the background at start for locales carers use)"
    )
    print(f"{'  + the other nine locales':<44} {others:9.3f} s")
    for module, seconds in _heaviest_imports():
        print(f"{'    import ' + module:<44} {seconds:9.3f} s")
    print(f"{'  timezonefinder loaded at start-up':<44} {'no' if result['lazy'] else 'yes'}")
    opened = ", ".join(result["opened"]) or "none (words.tsv answered)"
    print(f"{'  simplemma dictionaries opened at start-up':<44} {opened}")


def _heaviest_imports(top: int = 8) -> list[tuple[str, float]]:
    """The packages ``import bot.app`` spends most time importing (python -X importtime)."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import bot.app"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    shallowest: dict[str, tuple[int, int]] = {}
    for line in out.stderr.splitlines():
        found = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if not found:
            continue
        cumulative, depth, package = int(found[1]), len(found[2]), found[3].split(".")[0]
        if package != "bot" and (package not in shallowest or depth < shallowest[package][1]):
            shallowest[package] = (cumulative, depth)
    ranked = sorted(shallowest.items(), key=lambda item: -item[1][0])[:top]
    return [(package, cumulative / 1e6) for package, (cumulative, _depth) in ranked]


def _process_seconds(code: str, runs: int = 3) -> float:
    """Median wall time of a fresh interpreter running ``code``."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


@dataclass(frozen=True)
class RoundTrips:
    """Sequential round trips: wall time for all of them, and the engine's share."""

    count: int
    seconds: float
    engine: float = 0.0

    @property
    def each(self) -> float:
        """Seconds per round trip."""
        return self.seconds / self.count

    @property
    def engine_each(self) -> float:
        """Seconds of judging per round trip."""
        return self.engine / self.count

    @property
    def each_without_engine(self) -> float:
        """Seconds per round trip with the judgement engine's own time taken out."""
        return (self.seconds - self.engine) / self.count


async def echo_round_trips(
    count: int, *, request: BaseRequest | None, base_url: str
) -> RoundTrips:
    """A bare PTB Application with one MessageHandler that replies the text."""
    builder = ApplicationBuilder().token("1:x").base_url(base_url)
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    app: Application[Any, Any, Any, Any, Any, Any] = builder.build()

    async def echo(update: Update, _context: object) -> None:
        assert update.effective_message is not None and update.effective_message.text
        await update.effective_message.reply_text(update.effective_message.text)

    app.add_handler(MessageHandler(filters.TEXT, echo))
    users = UpdateFactory(app.bot, MessageIds())
    texts = itertools.cycle(REFLECTIONS["en"])
    async with app:
        for _ in range(10):
            await app.process_update(users.text(next(texts)))
        start = time.perf_counter()
        for _ in range(count):
            await processed(app, users.text(next(texts)))
        return RoundTrips(count, time.perf_counter() - start)


async def processed(app: Application[Any, Any, Any, Any, Any, Any], update: Update) -> None:
    """Hand an update over as polling and the webhook do: through the update processor."""
    await app.update_processor.process_update(update, app.process_update(update))


@contextmanager
def timing_engine(engine: SuggestionEngine) -> Iterator[list[float]]:
    """Add up the time spent in ``SuggestionEngine.assess`` while the block runs."""
    spent = [0.0]
    assess = engine.assess

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return assess(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start

    engine.assess = timed  # type: ignore[method-assign]
    try:
        yield spent
    finally:
        del engine.assess


@contextmanager
def fixed_answer(engine: SuggestionEngine) -> Iterator[list[float]]:
    """Replace ``SuggestionEngine.assess`` by one stored answer: the pipeline without judging."""
    answer = engine.assess(
        REFLECTIONS["en"][1], locale="en", dimension=None, age_band=None, role=None
    )
    engine.assess = lambda *_args, **_kwargs: answer  # type: ignore[method-assign]
    try:
        yield [0.0]
    finally:
        del engine.assess


@contextmanager
def idle_answer(engine: SuggestionEngine, seconds: float) -> Iterator[list[float]]:
    """The stored answer after ``seconds`` of sleep: judging's idle gap, without its work."""
    with fixed_answer(engine) as spent:
        answer = engine.assess

        def idle(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            time.sleep(seconds)
            try:
                return answer(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - start

        engine.assess = idle  # type: ignore[method-assign]
        yield spent


async def reflection_round_trips(
    settings: Settings,
    count: int,
    *,
    request: BaseRequest | None,
    judge: bool = True,
    idle: float = 0.0,
) -> RoundTrips:
    """An onboarded carer's reflections, each answered with a suggestion, one after another.

    With ``judge=False`` the engine gives one stored answer instead, so the figure shows the
    pipeline alone, without the idle wake-ups that 30 ms of judging leaves behind it; with
    ``idle`` as well, it sleeps that long first, so the wake-ups come back but not the work.
    """
    clock = ManualClock(datetime(2026, 11, 23, 12, tzinfo=UTC))
    app = build_application(settings, request=request, clock=clock)
    ids = request.ids if isinstance(request, LocalBotApi) else MessageIds()
    users = UpdateFactory(app.bot, ids)
    texts = itertools.cycle(REFLECTIONS["en"])
    engine = app.bot_data.services.engine
    async with app:
        await on_startup(app)
        await app.process_update(users.text("/start"))
        for data in ONBOARDING:
            await app.process_update(users.callback(data))
        for _ in range(10):  # the model loads on the first judgement
            clock.advance(timedelta(minutes=1))  # never within a long paste's stitch window
            await app.process_update(users.text(next(texts)))
        elapsed = 0.0
        if judge:
            measuring = timing_engine(engine)
        else:
            measuring = idle_answer(engine, idle) if idle else fixed_answer(engine)
        with measuring as spent:
            for _ in range(count):
                clock.advance(timedelta(minutes=1))
                update = users.text(next(texts))
                start = time.perf_counter()
                await processed(app, update)
                elapsed += time.perf_counter() - start
    app.bot_data.services.db.dispose()
    return RoundTrips(count, elapsed, spent[0])


def compare_round_trips(
    transport: str,
    bot: RoundTrips,
    echo: RoundTrips,
    goal: float,
    *,
    fixed: RoundTrips,
    idle: RoundTrips,
) -> None:
    """Print a reflection's round trip against the echo bot's, engine time beside."""
    ratio = echo.each / bot.each_without_engine
    judged(
        f"{'reflection over ' + transport + ', engine removed':<44} "
        f"{bot.each_without_engine * 1e3:9.3f} ms   = {ratio:7.2f} x echo bot throughput"
        f" ({echo.each * 1e3:.3f} ms)",
        ok=ratio >= goal,
        goal=f">= {goal}x",
    )
    print(
        f"{'  judgement engine per reflection':<44} {bot.engine / bot.count * 1e3:9.3f} ms"
        f"   ({bot.engine / bot.seconds:.0%} of the round trip)"
    )
    print(
        f"{'  same, engine giving a stored answer':<44} {fixed.each * 1e3:9.3f} ms   = "
        f"{echo.each / fixed.each:7.2f} x echo bot throughput (no idle gap to wake from)"
    )
    print(
        f"{'  same, after sleeping as long as judging':<44} {idle.each_without_engine * 1e3:9.3f}"
        f" ms   = {echo.each / idle.each_without_engine:7.2f} x echo bot throughput"
        " (sleep taken out: waking idle cores alone)"
    )


@contextmanager
def local_bot_api() -> Iterator[str]:
    """Run the HTTP Bot API server in a process of its own; yield its root URL."""
    server = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--serve-bot-api"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        yield server.stdout.readline().strip()
    finally:
        server.terminate()
        server.wait()


async def bench_round_trips_http(folder: str) -> None:
    """Reflection round trips over real HTTP, against an echo bot on the same server."""
    with local_bot_api() as url:

        def settings(name: str) -> Settings:
            return Settings(
                database_url=f"sqlite:///{folder}/{name}.db", telegram_api_url=url, _env_file=None
            )

        echo = await echo_round_trips(ROUND_TRIPS, request=None, base_url=f"{url}/bot")
        bot = await reflection_round_trips(settings("http"), ROUND_TRIPS, request=None)
        fixed = await reflection_round_trips(
            settings("http-fixed"), ROUND_TRIPS, request=None, judge=False
        )
        idle = await reflection_round_trips(
            settings("http-idle"), ROUND_TRIPS, request=None, judge=False, idle=bot.engine_each
        )
    compare_round_trips("HTTP", bot, echo, goal=0.6, fixed=fixed, idle=idle)
    per_second = 1 / bot.each
    judged(
        f"{'  reflections per second, engine included':<44} {per_second:9.1f} /s   = "
        f"{echo.each / bot.each:7.2f} x echo bot throughput",
        ok=per_second >= 40,
        goal=">= 40/s",
    )


async def bench_round_trips_in_process(folder: str) -> None:
    """The same through the recording LocalBotApi, with no network at all."""

    def settings(name: str) -> Settings:
        return Settings(database_url=f"sqlite:///{folder}/{name}.db", _env_file=None)

    echo = await echo_round_trips(
        ROUND_TRIPS, request=LocalBotApi(), base_url="https://api.telegram.org/bot"
    )
    bot = await reflection_round_trips(
        settings("local"), ROUND_TRIPS, request=LocalBotApi(ids=MessageIds())
    )
    fixed = await reflection_round_trips(
        settings("local-fixed"), ROUND_TRIPS, request=LocalBotApi(ids=MessageIds()), judge=False
    )
    idle = await reflection_round_trips(
        settings("local-idle"),
        ROUND_TRIPS,
        request=LocalBotApi(ids=MessageIds()),
        judge=False,
        idle=bot.engine_each,
    )
    compare_round_trips("LocalBotApi", bot, echo, goal=0.2, fixed=fixed, idle=idle)


async def bench_round_trip(settings: Settings) -> None:
    """Update in to reply out: a reflection, against /help (no database write)."""
    api = LocalBotApi(ids=MessageIds())
    clock = ManualClock(datetime(2026, 11, 23, 12, tzinfo=UTC))
    app = build_application(settings, request=api, clock=clock)
    users = UpdateFactory(app.bot, api.ids)
    async with app:
        await on_startup(app)
        await app.process_update(users.text("/start"))
        for data in ONBOARDING:
            await app.process_update(users.callback(data))
        await app.process_update(users.text("/prompt"))
        texts = iter(REFLECTIONS["en"] * 100)
        help_time = await per_call_async(lambda: app.process_update(users.text("/help")))
        reflect = await per_call_async(lambda: app.process_update(users.text(next(texts))))
        prompt = await per_call_async(lambda: app.process_update(users.text("/prompt")))
    app.bot_data.services.db.dispose()
    report("round trip: reflection -> suggestion", reflect, "/help", help_time)
    report("round trip: /prompt", prompt, "/help", help_time)
    print(
        f"{'  one chat, back to back: paced':<44} (Telegram's 1 message a second per chat,"
        " as every prompt is)"
    )


CONCURRENT_CARERS = 200  # carers writing in the same minute, as after a 19:30 prompt


async def concurrent_reflections(
    url: str, folder: str, updates: int, instances: int
) -> dict[str, float]:
    """Many carers' reflections in flight at once, through the update processor, over HTTP.

    Every carer writes once per round (a minute apart, so nothing is stitched); the first round
    loads the model's copies and is not timed.
    """
    settings = Settings(
        database_url=f"sqlite:///{folder}/concurrent-{updates}-{instances}.db",
        telegram_api_url=url,
        concurrent_updates=updates,
        model_instances=instances,
        _env_file=None,
    )
    clock = ManualClock(datetime(2026, 11, 23, 12, tzinfo=UTC))
    app = build_application(settings, clock=clock)
    ids = MessageIds()
    carers = [UpdateFactory(app.bot, ids, user_id=5000 + n) for n in range(CONCURRENT_CARERS)]
    texts = itertools.cycle(REFLECTIONS["en"])

    async def each_carer(make: Callable[[UpdateFactory], Update]) -> None:
        updates = [make(carer) for carer in carers]
        await asyncio.gather(
            *(app.update_processor.process_update(u, app.process_update(u)) for u in updates)
        )

    async with app:
        await on_startup(app)
        await each_carer(lambda carer: carer.text("/start"))
        for data in ONBOARDING:
            await each_carer(lambda carer, data=data: carer.callback(data))  # type: ignore[misc]
        rounds: list[float] = []
        for _ in range(3):
            clock.advance(timedelta(minutes=1))
            start = time.perf_counter()
            await each_carer(lambda carer: carer.text(next(texts)))
            rounds.append(time.perf_counter() - start)
        with app.bot_data.services.db.engine.connect() as connection:
            stored = connection.execute(text("SELECT count(*) FROM reflections")).scalar_one()
    app.bot_data.services.db.dispose()
    timed = rounds[1:]
    return {"per_second": len(timed) * CONCURRENT_CARERS / sum(timed), "stored": stored}


# (updates in flight, model copies): one at a time, one shared copy, and one copy per core
# (the default: CONCURRENT_UPDATES 16, MODEL_INSTANCES one per core; 2 on this 2-core host).
CONCURRENCY = ((1, 1), (16, 1), (16, 2))


def _default_concurrency() -> tuple[int, int]:
    """The (updates in flight, model copies) a deployment gets when it sets neither."""
    defaults = Settings(_env_file=None)
    return defaults.concurrent_updates, defaults.model_instances


def bench_concurrent_carers(folder: str) -> None:
    """Reflections per second with many carers writing at once, one process, engine included."""
    figures = {}
    with local_bot_api() as url:
        for updates, instances in CONCURRENCY:  # OpenMP fixes its threads: a process each
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--concurrent",
                    *map(str, (updates, instances, url)),
                    folder,
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            figures[updates, instances] = json.loads(out.stdout.splitlines()[-1])
    one_at_a_time = figures[CONCURRENCY[0]]["per_second"]
    for (updates, instances), figure in figures.items():
        assert figure["stored"] == 3 * CONCURRENT_CARERS, figure  # none lost to contention
        label = f"  {CONCURRENT_CARERS} carers: {updates} updates, {instances} copies"
        if (updates, instances) == _default_concurrency():
            label += " (default)"
        judged(
            f"{label:<44} {figure['per_second']:9.1f} /s   = "
            f"{figure['per_second'] / one_at_a_time:7.2f} x one update at a time",
            ok=figure["per_second"] >= 40,
            goal=">= 40/s",
        )


class NullNotifier:
    """Accept every prompt instantly, so the sweep's own cost is what is measured."""

    async def send_prompt(self, message: PromptMessage) -> int:
        return message.delivery_id


async def bench_sweep(url: str, carers: int) -> None:
    """Sweep N due carers (unthrottled), against inserting N rows one transaction each."""
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
    # Telegram's pace is bench/delivery.py's subject; here the sweep's own cost is measured.
    unthrottled = Pace(per_second=1e9, per_chat_interval=0.0)
    prompts = PromptService(
        db,
        ContentRegistry.load(ROOT / "content"),
        clock,
        PacedSender(NullNotifier(), unthrottled),
        SenderLock(engine),
    )
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
        compile_bytecode()
        bench_memory()
        bench_rss(folder)
        bench_judgement(registry)
        bench_stemmer()
        bench_startup(settings)
        await bench_round_trips_http(folder)
        bench_concurrent_carers(folder)
        await bench_round_trips_in_process(folder)
        await bench_round_trip(settings)
        await bench_sweep(f"sqlite:///{folder}/sweep.db", carers=500)


if __name__ == "__main__" and sys.argv[1:2] == ["--concurrent"]:
    updates, instances, url, folder = sys.argv[2:6]
    result = asyncio.run(concurrent_reflections(url, folder, int(updates), int(instances)))
    print(json.dumps(result))
elif __name__ == "__main__":
    asyncio.run(main())
