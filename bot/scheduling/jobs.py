"""JobQueue callbacks: thin glue from the scheduler to services."""

from __future__ import annotations

import logging

from telegram.ext import Application

from bot.context import BotContext

log = logging.getLogger(__name__)
SWEEP_JOB = "sweep"
DIGEST_JOB = "digest"
DIGEST_INTERVAL = 600.0  # Monday-morning digests are checked every ten minutes


async def sweep_due_prompts(context: BotContext) -> None:
    """Send every prompt whose time has come, then delete what is past retention."""
    report = await context.services.prompts.sweep()
    expired = await context.services.journal.expire()
    if expired:
        log.info("retention: deleted %d expired rows", expired)
    if report.planned or report.sent or report.missed or report.failed or report.retried:
        log.info(
            "sweep: planned=%d sent=%d missed=%d failed=%d retried=%d",
            report.planned,
            report.sent,
            report.missed,
            report.failed,
            report.retried,
        )


async def send_trainer_digests(context: BotContext) -> None:
    """Send the Monday digests that are due; each trainer's is claimed once in the database."""
    from bot.handlers.trainers import send_digests  # noqa: PLC0415 - handlers import jobs' app

    sent = await send_digests(context.application)
    if sent:
        log.info("digests: sent %d group reports", sent)


def plan_sweep(app: Application, interval_seconds: float) -> None:
    """Schedule the periodic jobs; their ids are fixed so a re-plan replaces them."""
    assert app.job_queue is not None
    app.job_queue.run_repeating(
        send_trainer_digests,
        interval=DIGEST_INTERVAL,
        first=5,
        name=DIGEST_JOB,
        job_kwargs={
            "id": DIGEST_JOB,
            "replace_existing": True,
            "max_instances": 1,
            "coalesce": True,
        },
    )
    app.job_queue.run_repeating(
        sweep_due_prompts,
        interval=interval_seconds,
        first=1,
        name=SWEEP_JOB,
        job_kwargs={
            "id": SWEEP_JOB,
            "replace_existing": True,
            "max_instances": 1,
            "coalesce": True,
            "misfire_grace_time": None,
        },
    )
