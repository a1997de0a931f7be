"""Delivery semantics: every state a prompt delivery can be in, and what each failure means.

A delivery is sent at most once. It is claimed (``sending``) with a lease before the Bot API
call, and the call's outcome decides the next state:

- ``sent``: Telegram accepted it;
- ``pending`` again: it certainly did not go out (connection refused, 429, 5xx) and the
  sender tries again at its pace;
- ``ambiguous``: the request may have reached Telegram (a read timeout, a dropped response),
  so it is never sent again; its buttons still work if it did arrive;
- ``failed``: Telegram refused it for good. 403 and "chat not found" also pause the carer
  with the reason kept; any other 400 fails only that delivery and is reported;
- a row still ``sending`` after the lease (a crash, a lost database connection) is recovered
  as ``ambiguous`` and counted, never resent;
- ``missed``: not sent because it fell too far behind its time (the quiet-window rule).
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
AMBIGUOUS = "ambiguous"
FAILED = "failed"
MISSED = "missed"
ANSWERED = "answered"
SKIPPED = "skipped"
SNOOZED = "snoozed"

# A prompt the carer may have in front of them: its buttons and a reply to it work.
OPEN_FOR_ANSWER = (SENT, AMBIGUOUS)
# A prompt that counts as seen for rotation.
USED = (SENT, AMBIGUOUS, ANSWERED, SKIPPED, SNOOZED)
SENDING_LEASE = timedelta(minutes=5)


class SendOutcome(StrEnum):
    """What one Bot API call did, as far as the sender can know."""

    SENT = "sent"
    RETRY = "retry"  # certainly not delivered: safe to send again
    AMBIGUOUS = "ambiguous"  # may have been delivered: never send again
    UNREACHABLE = "unreachable"  # blocked, or the chat is gone: pause the carer
    REJECTED = "rejected"  # Telegram refused this message: fail it, report it
