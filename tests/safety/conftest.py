"""A running bot with a developer chat, so a test can assert that no report was sent."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.ports import ManualClock
from tests.harness import Chat, running_chat

DEV_CHAT = 4242


@pytest.fixture
async def chat(sqlite_url: str, clock: ManualClock) -> AsyncIterator[Chat]:
    settings = Settings(database_url=sqlite_url, dev_chat_id=DEV_CHAT, _env_file=None)
    async with running_chat(settings, clock) as carer:
        yield carer


def developer_reports(chat: Chat) -> list[str]:
    """Every message the bot sent to the developer chat."""
    return [call.text for call in chat.api.calls if call.params.get("chat_id") == DEV_CHAT]
