"""Webhook mode: Telegram posts updates over HTTPS, and operators read /metrics and /healthz.

TLS ends at the load balancer or PaaS router in front; this process speaks plain HTTP on
``PORT``. Several such processes may sit behind one load balancer on one PostgreSQL
database: the handlers keep no state in memory, a redelivered update is dropped by its id,
and only the holder of the sender lock sends prompts.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import uvicorn
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update  # noqa: TID251 - the webhook turns HTTP bodies into updates

from bot.app import BotApplication, on_startup
from bot.services.status import DeliveryStatus

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
LISTEN_HOST = "0.0.0.0"  # every interface: behind the load balancer, on the platform's network
GRACE_SECONDS = 20  # in-flight updates finish before the platform's kill (Heroku: 30 s)

Reading = Callable[[], DeliveryStatus]
# Each gauge: name, help, and how to read it from a snapshot. Counts and seconds only.
GAUGES: tuple[tuple[str, str, Callable[[DeliveryStatus], float]], ...] = (
    ("securebase_delivery_backlog", "Deliveries pending and due.", lambda s: s.backlog),
    (
        "securebase_delivery_oldest_due_seconds",
        "How late the oldest due pending delivery is, in seconds (0: none waits).",
        lambda s: s.oldest_due_seconds,
    ),
    (
        "securebase_delivery_send_rate",
        "Deliveries sent per second over the last minute.",
        lambda s: s.send_rate,
    ),
    (
        "securebase_delivery_stuck",
        "Deliveries still sending after the lease (recovered as ambiguous).",
        lambda s: s.stuck,
    ),
    (
        "securebase_delivery_in_flight",
        "Deliveries sending within the lease.",
        lambda s: s.in_flight,
    ),
    (
        "securebase_delivery_missed_24h",
        "Deliveries due in the last 24 h recorded as missed.",
        lambda s: s.missed_24h,
    ),
    (
        "securebase_delivery_ambiguous_24h",
        "Deliveries due in the last 24 h that may or may not have arrived.",
        lambda s: s.ambiguous_24h,
    ),
    (
        "securebase_delivery_failed_24h",
        "Deliveries due in the last 24 h that Telegram refused.",
        lambda s: s.failed_24h,
    ),
    (
        "securebase_sender_held",
        "1 if any process of this deployment holds the sender lock, else 0.",
        lambda s: float(s.sender_held),
    ),
)


class DeliveryCollector:
    """Read the delivery snapshot at scrape time, so every scrape sees the database as it is."""

    def __init__(self, read: Reading) -> None:
        """Keep the reader; it runs once per scrape."""
        self._read = read

    def describe(self) -> Iterable[Metric]:
        """Name the gauges without touching the database (the registry asks at registration)."""
        return [GaugeMetricFamily(name, text) for name, text, _ in GAUGES]

    def collect(self) -> Iterable[Metric]:
        """Emit every figure of one snapshot, with no labels: nothing about any carer."""
        snapshot = self._read()
        return [GaugeMetricFamily(name, text, value=get(snapshot)) for name, text, get in GAUGES]


@dataclass(frozen=True)
class Endpoints:
    """The three routes, bound to one application."""

    app: BotApplication
    secret: bytes
    registry: CollectorRegistry

    async def receive_update(self, request: Request) -> Response:
        """Handle one update before answering, so Telegram retries what a dying process lost.

        PTB's custom-webhook example puts the update on ``app.update_queue`` and answers at
        once; here the request awaits ``process_update`` instead. Telegram then only gets 200
        for an update that was handled (a process stopped or killed mid-update leaves it to
        be redelivered, and the gate drops a copy that was already handled), its
        ``max_connections`` bounds how much work one process takes on, and tests can assert
        on the reply without waiting on a queue.
        """
        if not self._authentic(request):
            return PlainTextResponse("forbidden", status_code=403)
        update = self._parse(await request.body())
        if update is None:
            return PlainTextResponse("not an update", status_code=400)
        # Through the processor: the concurrency bound, and one chat's updates in order.
        await self.app.update_processor.process_update(update, self.app.process_update(update))
        return Response(status_code=200)

    def _parse(self, body: bytes) -> Update | None:
        """Read an update, or None for a body Telegram would never send."""
        try:
            payload = json.loads(body)
            if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
                return None
            return Update.de_json(payload, self.app.bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            return None

    def _authentic(self, request: Request) -> bool:
        """Compare the secret in constant time; the header decodes as latin-1, so bytes match."""
        given = request.headers.get(SECRET_HEADER, "").encode("latin-1")
        return bool(given) and hmac.compare_digest(given, self.secret)

    async def metrics(self, _request: Request) -> Response:
        """Render the gauges in Prometheus text format, off the event loop (it queries)."""
        try:
            body = await asyncio.to_thread(generate_latest, self.registry)
        except SQLAlchemyError as error:
            log.warning("metrics: the database did not answer (%s)", type(error).__name__)
            return PlainTextResponse("database unavailable", status_code=503)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    async def healthz(self, _request: Request) -> Response:
        """Tell the load balancer this process is up."""
        return PlainTextResponse("ok")


def build_web_app(app: BotApplication, *, secret: str, path: str) -> Starlette:
    """Route the webhook path to the application, and /metrics, /healthz to operators."""
    registry = CollectorRegistry()
    registry.register(DeliveryCollector(app.bot_data.services.status.read))
    endpoints = Endpoints(app, secret.encode(), registry)
    return Starlette(
        routes=[
            Route(path, endpoints.receive_update, methods=["POST"]),
            Route("/metrics", endpoints.metrics, methods=["GET"]),
            Route("/healthz", endpoints.healthz, methods=["GET"]),
        ]
    )


@dataclass(frozen=True)
class Webhook:
    """Where Telegram posts, and what it must send back to prove it is Telegram."""

    url: str
    path: str
    secret: str
    port: int
    allowed_updates: Sequence[str]


async def serve(app: BotApplication, webhook: Webhook) -> None:
    """Register the webhook, serve it until SIGTERM or SIGINT, then stop cleanly.

    PTB's custom-webhook pattern: the application runs (job queue included) in the same
    event loop as uvicorn. The webhook is left registered on shutdown: another process
    behind the same load balancer still serves it.
    """
    server = uvicorn.Server(
        _config(build_web_app(app, secret=webhook.secret, path=webhook.path), webhook)
    )
    _stop_on_signals(server)
    async with app:
        await on_startup(app)
        await app.bot.set_webhook(
            webhook.url,
            secret_token=webhook.secret,
            allowed_updates=list(webhook.allowed_updates),
            drop_pending_updates=False,
        )
        await app.start()
        try:
            await server.serve()
        finally:
            await app.stop()
    log.info("stopped; the webhook stays registered for the other processes")


def _config(web: Starlette, webhook: Webhook) -> uvicorn.Config:
    """Plain HTTP on PORT, logging through the root (redacting) handler, no access lines."""
    return uvicorn.Config(
        web,
        host=LISTEN_HOST,
        port=webhook.port,
        log_config=None,
        access_log=False,
        lifespan="off",
        server_header=False,
        timeout_graceful_shutdown=GRACE_SECONDS,
    )


def _stop_on_signals(server: uvicorn.Server) -> None:
    """Let SIGTERM (the platform) and SIGINT (Ctrl+C) end the server, then the bot, with 0.

    While it serves, uvicorn takes both signals over; once stopped it restores these
    handlers and raises the signal again, which must then only ask for what already
    happened instead of killing the process before ``app.stop()``. Before uvicorn starts
    (start-up, setWebhook), these handlers are the only ones.
    """
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, _request_exit, server, signum)


def _request_exit(server: uvicorn.Server, signum: int) -> None:
    """Ask uvicorn to finish its requests and return."""
    if not server.should_exit:
        log.info("received %s: stopping", signal.Signals(signum).name)
    server.should_exit = True
