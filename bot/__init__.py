"""Secure Base reflection bot for carers."""

import os

# Opt in to python-telegram-bot's durations as timedelta (its announced next default): a
# 429's retry_after then reads without a deprecation warning on every flood-control answer.
os.environ.setdefault("PTB_TIMEDELTA", "true")
