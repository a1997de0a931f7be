"""JobQueue callbacks: thin glue from the scheduler to services."""

from __future__ import annotations

import logging

from telegram.ext import Application

from bot.context import BotContext

log = logging.getLogger(__name__)
SWEEP_JOB = "sweep"


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


def plan_sweep(app: Application, interval_seconds: float) -> None:
    """Schedule the one periodic job; its id is fixed so a re-plan replaces it."""
    assert app.job_queue is not None
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
