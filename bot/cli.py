"""Command line: run | serve | status | chat | packs check|embed | suggest | eval | db upgrade."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config import PROJECT_ROOT, Settings
from bot.domain.model import AgeBand, Dimension, Role

if TYPE_CHECKING:
    from bot.app import BotApplication
    from bot.services.status import DeliveryStatus

SANDBOX_DATABASE_URL = "sqlite:///sandbox.db"
# my_chat_member tells the gate that a carer blocked the bot, or that it was added to a group.
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member", "channel_post"]


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments and run one subcommand; return the exit code."""
    from bot.packs.loader import ContentError

    args = _parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except ContentError as error:  # bad content or catalogs: a list to fix, not a traceback
        print(*error.issues, sep="\n", file=sys.stderr)
        print(
            f"the bot did not start: {len(error.issues)} problem(s) in its content or "
            "catalogs; fix them, then check with: python -m bot packs check",
            file=sys.stderr,
        )
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    run = commands.add_parser("run", help="run the bot with long polling (needs BOT_TOKEN)")
    run.set_defaults(handler=_run)
    serve = commands.add_parser(
        "serve", help="receive updates by webhook on PORT (needs WEBHOOK_URL, WEBHOOK_SECRET)"
    )
    serve.set_defaults(handler=_serve)
    status = commands.add_parser("status", help="print the delivery figures of DATABASE_URL")
    status.set_defaults(handler=_status)
    chat = commands.add_parser("chat", help="try the bot in this terminal: no token, no network")
    chat.add_argument("--language", default=None, help="Telegram language code, e.g. es")
    chat.add_argument(
        "--as", dest="role", choices=["carer", "trainer"], default="carer",
        help="start as a trainer (as if an admin had run: trainers add)",
    )  # fmt: skip
    chat.set_defaults(handler=_chat)
    packs = commands.add_parser("packs", help="content pack tools")
    packs_commands = packs.add_subparsers(required=True, metavar="ACTION")
    check = packs_commands.add_parser("check", help="validate content packs and catalogs")
    check.add_argument("directory", nargs="?", type=Path, default=None)
    check.add_argument("--locales", type=Path, default=None, help="catalogs (LOCALES_DIR)")
    check.add_argument("--agency", type=Path, default=None, help="agency folder (AGENCY_DIR)")
    check.set_defaults(handler=_packs_check)
    embed = packs_commands.add_parser(
        "embed", help="refresh what is derived from the content: sentence vectors, word lookups"
    )
    embed.add_argument("directory", nargs="?", type=Path, default=None)
    embed.add_argument("--agency", type=Path, default=None, help="agency folder (AGENCY_DIR)")
    embed.set_defaults(handler=_packs_embed)
    _add_translation_commands(packs_commands)
    suggest = commands.add_parser("suggest", help="print the reply the bot would give, as JSON")
    suggest.add_argument("--locale", required=True)
    suggest.add_argument("--dimension", default=None, choices=[d.value for d in Dimension])
    suggest.add_argument("--role", default=None, choices=[r.value for r in Role])
    suggest.add_argument("--age-band", default=None, choices=[a.value for a in AgeBand])
    suggest.add_argument("text")
    suggest.set_defaults(handler=_suggest)
    evaluate = commands.add_parser("eval", help="measure the judgement engine on labelled sets")
    evaluate.add_argument(
        "files", nargs="*", type=Path, help="JSON-lines sets (default: both parts)"
    )
    evaluate.add_argument(
        "--misses", action="store_true", help="list misses (development part only)"
    )
    evaluate.add_argument(
        "--check", action="store_true", help="exit 1 when a held-out figure misses its goal"
    )
    evaluate.set_defaults(handler=_eval)
    _add_trainer_commands(commands)
    db = commands.add_parser("db", help="database tools")
    db_commands = db.add_subparsers(required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply schema migrations").set_defaults(
        handler=_db_upgrade
    )
    return parser


def _add_trainer_commands(commands: Any) -> None:
    """Agency admins make and remove trainers (docs/trainers.md)."""
    trainers = commands.add_parser("trainers", help="make, remove and list trainers")
    actions = trainers.add_subparsers(required=True, metavar="ACTION")
    add = actions.add_parser("add", help="make a trainer from a Telegram user id or @username")
    add.add_argument("who", help="numeric Telegram user id, or @username")
    add.add_argument(
        "--name", default="", help="the name carers see (default: their Telegram name)"
    )
    add.set_defaults(handler=_trainers, action="add")
    remove = actions.add_parser("remove", help="remove a trainer; their groups are archived")
    remove.add_argument("who", help="numeric Telegram user id, or @username")
    remove.set_defaults(handler=_trainers, action="remove")
    actions.add_parser("list", help="list trainers").set_defaults(handler=_trainers, action="list")
    actions.add_parser(
        "invite", help="print a one-time trainer link, valid for 7 days"
    ).set_defaults(handler=_trainers, action="invite")


def _trainers(args: argparse.Namespace) -> int:
    """Run one admin action on the trainers of DATABASE_URL."""
    from bot.i18n import negotiate_locale
    from bot.ports import SystemClock
    from bot.services.trainers import TrainerService
    from bot.storage.db import Database, make_engine
    from bot.storage.migrate import upgrade

    settings = Settings()
    db = Database(make_engine(settings.database_url))
    try:
        upgrade(db.engine)
        service = TrainerService(
            db,
            SystemClock(),
            shipped_plans=(),
            default_zones={},
            negotiate=lambda code: negotiate_locale(code, ("en",)),
        )
        return _trainer_action(service, args, settings.bot_username)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        db.dispose()


def _trainer_action(service: Any, args: argparse.Namespace, bot_username: str | None) -> int:
    if args.action == "add":
        made = service.add(args.who, args.name)
        when = "" if made.telegram_user_id else " (bound the first time they send /trainer)"
        print(f"trainer {made.id}: {args.who}{when}")
    elif args.action == "remove":
        removed = service.remove(args.who)
        if removed is None:
            print(f"no trainer {args.who}", file=sys.stderr)
            return 1
        print(f"removed trainer {removed.id}; their groups are archived")
    elif args.action == "list":
        for t in service.all():
            who = t.telegram_user_id or f"@{t.username}"
            state = "active" if t.active else "removed"
            print(f"{t.id}\t{who}\t{t.display_name or '-'}\t{state}\t{t.groups} group(s)")
    else:
        code, expires = service.create_trainer_invite()
        bot = bot_username or "<your_bot_username>"
        print(f"https://t.me/{bot}?start={code}")
        print(f"one use, valid until {expires:%Y-%m-%d %H:%M} UTC")
    return 0


def _add_translation_commands(packs_commands: Any) -> None:
    """The translator workflow: coverage, export-po, import-po (docs/translation.md)."""
    cover = packs_commands.add_parser(
        "coverage", help="table of translated, missing and stale texts per dimension and locale"
    )
    cover.add_argument("--agency", type=Path, default=None, help="agency folder (AGENCY_DIR)")
    cover.add_argument("--locale", action="append", default=[], help="only these locales")
    cover.add_argument("--by-audience", action="store_true", help="also per role and age band")
    cover.add_argument("--details", action="store_true", help="name every missing/stale text")
    cover.add_argument(
        "--strict", action="store_true", help="exit 1 when a shown locale is incomplete"
    )
    cover.set_defaults(handler=_packs_coverage)
    export = packs_commands.add_parser(
        "export-po", help="write a locale's pack texts as a PO file for translators"
    )
    export.add_argument("locale")
    export.add_argument("-o", "--output", type=Path, default=None, help="file (default stdout)")
    export.add_argument("--agency", type=Path, default=None, help="export the agency's layer")
    export.set_defaults(handler=_packs_export_po)
    import_ = packs_commands.add_parser(
        "import-po", help="write a translated PO file back into its content layer"
    )
    import_.add_argument("file", type=Path)
    import_.add_argument("--agency", type=Path, default=None, help="the agency folder it is for")
    import_.set_defaults(handler=_packs_import_po)


def _configure_logging(settings: Settings) -> None:
    """Log at LOG_LEVEL through the redacting handler, with the token as a secret."""
    from bot.logs import configure_logging

    token = settings.bot_token.get_secret_value() if settings.bot_token else ""
    configure_logging(settings.log_level, secrets=[token] if token else [])
    if settings.log_level != "DEBUG":
        # One line per long poll is noise; the URLs are redacted either way.
        logging.getLogger("httpx").setLevel(logging.WARNING)


def _run(_args: argparse.Namespace) -> int:
    from telegram import Bot
    from telegram.error import TelegramError

    settings = Settings()
    token = settings.bot_token.get_secret_value() if settings.bot_token else ""
    if not token:
        print(
            "BOT_TOKEN is not set. To try the bot without Telegram: python -m bot chat",
            file=sys.stderr,
        )
        return 2
    _configure_logging(settings)

    async def check_token() -> None:
        # Ask once ourselves: PTB's start-up retry loop logs a rejected token with a traceback.
        async with Bot(token, base_url=settings.api_base_url, base_file_url=settings.api_file_url):
            pass

    try:
        app = _started(settings)  # refuses invalid content before touching Telegram
        asyncio.run(check_token())
        app.run_polling(allowed_updates=ALLOWED_UPDATES)
    except TelegramError as error:
        return _refused_by_telegram(error)
    return 0


def _started(settings: Settings) -> BotApplication:
    """Import and build the Application for a long-running process (collector paused)."""
    from bot.startup import collector_paused

    with collector_paused():
        from bot.app import build_application

        app = build_application(settings)
    app.bot_data.freeze_after_warm = True
    return app


def _refused_by_telegram(error: Exception) -> int:
    """Say why Telegram stopped the start, in one line without the token; return exit code 2."""
    from telegram.error import InvalidToken

    if isinstance(error, InvalidToken):
        print(
            "Telegram rejected BOT_TOKEN (HTTP 401/404): check the token with @BotFather",
            file=sys.stderr,
        )
    else:  # its message may quote the token or a URL holding it
        print(f"could not start: the Bot API answered {type(error).__name__}", file=sys.stderr)
    return 2


def _serve(_args: argparse.Namespace) -> int:
    """Serve the webhook: several such processes may share one PostgreSQL database."""
    from telegram.error import TelegramError

    from bot.web import Webhook, serve

    settings = _serve_settings()
    if settings is None:
        return 2
    _configure_logging(settings)
    assert settings.webhook_url and settings.webhook_secret  # checked by _serve_settings
    webhook = Webhook(
        url=settings.webhook_url,
        path=settings.webhook_path,
        secret=settings.webhook_secret.get_secret_value(),
        port=settings.port,
        allowed_updates=ALLOWED_UPDATES,
    )
    try:
        asyncio.run(serve(_started(settings), webhook))
    except TelegramError as error:
        return _refused_by_telegram(error)
    return 0


def _serve_settings() -> Settings | None:
    """Read the settings ``serve`` needs, or say in one line what is missing or wrong."""
    from pydantic import ValidationError

    from bot.config import describe_invalid

    try:
        settings = Settings()
    except ValidationError as error:
        problems = describe_invalid(error).replace("\n", "; ")
        print(f"serve did not start: {problems}", file=sys.stderr)
        return None
    required = {
        "BOT_TOKEN": settings.bot_token,
        "WEBHOOK_URL": settings.webhook_url,
        "WEBHOOK_SECRET": settings.webhook_secret,
    }
    missing = [name for name, value in required.items() if not value]
    if missing:
        print(f"serve did not start: set {', '.join(missing)} (see README)", file=sys.stderr)
        return None
    return settings


def _status(_args: argparse.Namespace) -> int:
    """Print what the metrics endpoint shows, for an operator without Prometheus."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.ports import SystemClock
    from bot.services.status import read_delivery_status
    from bot.storage.db import Database, make_engine

    settings = Settings()
    db = Database(make_engine(settings.database_url))
    try:
        lease = timedelta(seconds=settings.delivery_lease_seconds)
        status = read_delivery_status(db, SystemClock().now(), lease)
    except SQLAlchemyError as error:  # its message may quote the URL and its password
        print(
            f"could not read DATABASE_URL ({type(error).__name__}); "
            "is it reachable and up to date (python -m bot db upgrade)?",
            file=sys.stderr,
        )
        return 1
    finally:
        db.dispose()
    print(*status_lines(status), sep="\n")
    return 0


def status_lines(status: DeliveryStatus) -> list[str]:
    """Render the figures as ``name: value`` lines with the values aligned."""
    figures = {
        "backlog": str(status.backlog),
        "oldest due": _oldest_due(status),
        "send rate": f"{status.send_rate:.2f}/s",
        "stuck": str(status.stuck),
        "in flight": str(status.in_flight),
        "missed (24 h)": str(status.missed_24h),
        "ambiguous (24 h)": str(status.ambiguous_24h),
        "failed (24 h)": str(status.failed_24h),
        "sender": status.sender or "none: no process holds the sender lock",
    }
    width = max(map(len, figures)) + 1
    return [f"{name + ':':<{width}} {value}" for name, value in figures.items()]


def _oldest_due(status: DeliveryStatus) -> str:
    """Show when the oldest due delivery was due and how late it is."""
    if status.oldest_due_at is None:
        return "none"
    due = status.oldest_due_at.isoformat(timespec="seconds").replace("+00:00", "Z")
    return f"{due} ({status.oldest_due_seconds:.0f} s late)"


def _chat(args: argparse.Namespace) -> int:
    from bot.sandbox.chat import feed_stdin, run_chat

    settings = Settings()
    if "database_url" not in settings.model_fields_set:
        # Keep pretend conversations out of the database a real deployment would use.
        settings = settings.model_copy(update={"database_url": SANDBOX_DATABASE_URL})
    if "log_level" not in settings.model_fields_set:
        # INFO lines would interleave with the conversation on this terminal.
        settings = settings.model_copy(update={"log_level": "WARNING"})
    _configure_logging(settings)

    async def session() -> None:
        lines: asyncio.Queue[str | None] = asyncio.Queue()
        feed_stdin(lines)
        await run_chat(
            settings,
            language=args.language,
            lines=lines,
            echo=not sys.stdin.isatty(),
            as_trainer=args.role == "trainer",
        )

    asyncio.run(session())
    return 0


def _packs_check(args: argparse.Namespace) -> int:
    from bot.packs.judgement import always_prove
    from bot.packs.registry import ContentRegistry
    from bot.packs.validate import validate_everything

    always_prove()  # this command is what proves the rules, whatever words.tsv records
    settings = Settings()
    directory = args.directory or settings.content_dir
    locales = args.locales or settings.locales_dir
    agency = args.agency or settings.agency_dir
    issues = validate_everything(directory, locales, agency)
    if issues:
        print(*issues, sep="\n", file=sys.stderr)
        print(f"{len(issues)} problem(s) found in {directory} and {locales}", file=sys.stderr)
        return 1
    layer = agency / "content" if agency else None
    registry = ContentRegistry.load(directory, agency=layer)  # cached: validation loaded it
    for retired in registry.retired:
        print(f"{retired.path}: retired {retired.id}: {retired.reason}")
    prompts = sum(len(group) for group in registry.prompts.values())
    suggestions = sum(len(group) for group in registry.suggestions.values())
    rules = sum(len(j.risk.rules) for j in registry.judgement.values())
    print(
        f"{directory}: OK ({prompts} prompts, {suggestions} suggestions, {rules} safeguarding "
        f"rules, locales {', '.join(registry.locales)})"
    )
    stale = []
    if not registry.embeddings.is_current(registry.embedded_texts()):
        stale.append(f"{registry.embeddings.path}: stale sentence vectors")
    if not registry.words.is_current():
        stale.append(f"{registry.words.path}: {registry.words.missing} words not in it")
    for problem in stale:
        print(f"{problem}; run: python -m bot packs embed", file=sys.stderr)
    return 1 if stale else 0


def _packs_embed(args: argparse.Namespace) -> int:
    from bot.packs.judgement import always_prove
    from bot.packs.registry import ContentRegistry

    always_prove()  # the proofs it records in words.tsv must be run, and their words saved
    settings = Settings()
    directory = args.directory or settings.content_dir
    agency = args.agency or settings.agency_dir
    registry = ContentRegistry.load(directory, agency=agency / "content" if agency else None)
    texts = registry.embedded_texts()
    registry.embeddings.save(texts)
    print(f"{registry.embeddings.path}: {len(texts)} vectors")
    print(f"{registry.words.path}: {registry.words.save()} word lookups")
    return 0


def _packs_coverage(args: argparse.Namespace) -> int:
    from bot.packs.coverage import coverage, details, render

    settings = Settings()
    agency = args.agency or settings.agency_dir
    layer = agency / "content" if agency else None
    rows = coverage(settings.content_dir, settings.locales_dir, layer, args.locale)
    print(*render(rows, by_audience=args.by_audience), sep="\n")
    if args.details:
        print(*details(rows), sep="\n")
    incomplete = [row.locale for row in rows if not row.complete]
    if args.strict and incomplete:
        print(f"incomplete: {', '.join(incomplete)}", file=sys.stderr)
        return 1
    return 0


def _packs_export_po(args: argparse.Namespace) -> int:
    from bot.packs.coverage import read_sources
    from bot.packs.translations import export_po

    settings = Settings()
    agency = args.agency or settings.agency_dir
    layer = agency / "content" if agency else None
    sources = read_sources(settings.content_dir, layer)
    folder_of = {
        pack.dimension: (layer or settings.content_dir) / pack.dimension.value for pack in sources
    }
    shipped_of = {pack.dimension: settings.content_dir / pack.dimension.value for pack in sources}
    data = export_po(
        [pack.texts for pack in sources],
        folder_of,
        args.locale,
        "agency" if layer else "shipped",
        fallback_of=shipped_of if layer else None,
    )
    if args.output is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        args.output.write_bytes(data)
        print(f"{args.output}: {sum(len(p.texts.texts) for p in sources)} texts", file=sys.stderr)
    return 0


def _packs_import_po(args: argparse.Namespace) -> int:
    from bot.packs.coverage import read_sources
    from bot.packs.translations import import_po, read_layer, write_translations

    settings = Settings()
    agency = args.agency or settings.agency_dir
    data = args.file.read_bytes()
    named = read_layer(data)
    wanted = "agency" if agency else "shipped"
    if named and named != wanted:
        print(
            f"{args.file}: exported from the {named} layer; "
            + ("pass --agency DIR" if named == "agency" else "do not pass --agency"),
            file=sys.stderr,
        )
        return 1
    layer = agency / "content" if agency else None
    sources = read_sources(settings.content_dir, layer)
    root = layer or settings.content_dir
    folder_of = {pack.dimension: root / pack.dimension.value for pack in sources}
    shipped_of = {pack.dimension: settings.content_dir / pack.dimension.value for pack in sources}
    result = import_po(
        data, [pack.texts for pack in sources], folder_of, shipped_of if layer else None
    )
    if result.problems:
        print(
            *(problem.render(args.file) for problem in result.problems), sep="\n", file=sys.stderr
        )
        print(f"{len(result.problems)} problem(s); nothing written", file=sys.stderr)
        return 1
    for dimension, found in result.merged.items():
        if found:
            folder_of[dimension].mkdir(parents=True, exist_ok=True)
            write_translations(
                folder_of[dimension] / f"{result.locale}.toml",
                result.locale,
                dimension.value,
                found,
            )
    print(
        f"{args.file}: {result.written} {result.locale} text(s) written to {root}"
        + (f"; {result.skipped_fuzzy} fuzzy left out" if result.skipped_fuzzy else "")
    )
    return 0


def _suggest(args: argparse.Namespace) -> int:
    from bot.handlers.signposts import signpost
    from bot.packs.validate import load_validated
    from bot.services.assess import SuggestionEngine

    settings = Settings()
    registry, catalogs = load_validated(
        settings.content_dir, settings.locales_dir, settings.agency_dir, settings.cache_dir
    )
    if args.locale not in registry.locales:
        print(
            f"unknown locale {args.locale!r}; packs have {', '.join(registry.locales)}",
            file=sys.stderr,
        )
        return 2
    dimension = Dimension(args.dimension) if args.dimension else None
    assessment = SuggestionEngine(registry).assess(
        args.text,
        locale=args.locale,
        dimension=dimension,
        age_band=AgeBand(args.age_band) if args.age_band else None,
        role=Role(args.role) if args.role else None,
    )
    result: dict[str, str] = {}
    if assessment.risk is not None:
        t = catalogs.get(args.locale)
        result = {
            "safeguarding": assessment.risk.value,
            "emergency_number": assessment.contacts.emergency_number,
            "text": signpost(t, assessment.risk, assessment.contacts),
        }
    elif assessment.suggestion is not None:
        result = {
            "id": assessment.suggestion.id,
            "dimension": assessment.suggestion.dimension.value,
            "text": assessment.suggestion.texts[args.locale],
        }
        if assessment.note is not None:
            result["safeguarding_note"] = assessment.note.value
    if dimension is None and assessment.dimension is not None:
        result["inferred_dimension"] = assessment.dimension.value
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


EVAL_DATA = PROJECT_ROOT / "tests" / "data" / "judgement"


def _eval(args: argparse.Namespace) -> int:
    from bot.packs.registry import ContentRegistry
    from bot.services.assess import SuggestionEngine
    from bot.services.evaluate import by_locale, evaluate, format_report, read_set
    from bot.services.judge import engine_judge

    files = _eval_files(args.files) if args.files else sorted(EVAL_DATA.glob("*/*.jsonl"))
    missing = [f for f in files if not f.is_file()]
    if missing or not files:
        print(f"no labelled set at: {', '.join(map(str, missing or args.files))}", file=sys.stderr)
        return 2
    held_out = [f for f in files if f.parent.name == "test"]
    if args.misses and held_out:
        print(
            "misses of the held-out part are never shown; pass development files only",
            file=sys.stderr,
        )
        return 2
    settings = Settings()
    registry = ContentRegistry.load(settings.content_dir)
    judge = engine_judge(SuggestionEngine(registry))
    failed = []
    for part in sorted({f.parent.name for f in files}):
        items = [item for f in files if f.parent.name == part for item in read_set(f)]
        reports = {loc: evaluate(group, judge) for loc, group in by_locale(items).items()}
        for locale, report in reports.items():
            print(format_report(f"{part} / {locale}", report))
            if args.misses:
                print("\n".join(f"    miss {line}" for line in report.misses))
            if part == "test":
                failed += [f"{part}/{locale}: {f}" for f in report.failures()]
    if args.check and failed:
        print("\n".join(failed), file=sys.stderr)
        return 1
    return 0


def _eval_files(given: list[Path]) -> list[Path]:
    """Take files as given and folders as every JSON-lines set inside them."""
    return [
        found
        for path in given
        for found in (sorted(path.glob("*.jsonl")) if path.is_dir() else [path])
    ]


def _db_upgrade(_args: argparse.Namespace) -> int:
    from bot.storage.db import make_engine
    from bot.storage.migrate import upgrade

    settings = Settings()
    upgrade(make_engine(settings.database_url))
    print("database is up to date")
    return 0
