"""Handle many carers' updates at once while each chat's updates keep the order they came in."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Updates that name no chat or user (none of the kinds the bot asks for, today) share one queue.
NO_CHAT = 0


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Run updates of different chats concurrently, and one chat's strictly one after another.

    A judgement takes tens of milliseconds; processed one at a time, every carer's button tap
    would wait behind every other carer's reflection. One chat's updates must still be handled
    in order: the second half of a long paste joins the first, an answer follows its question.
    Waiters on an ``asyncio.Lock`` are woken first come, first served, so order holds.
    """

    def __init__(self, max_concurrent_updates: int) -> None:
        """Allow this many updates in flight, across all chats."""
        super().__init__(max_concurrent_updates)
        self._chats: dict[int, _ChatQueue] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for this chat's earlier updates, then process this one."""
        key = chat_key(update)
        queue = self._chats.setdefault(key, _ChatQueue())
        queue.users += 1
        try:
            await _take_turn(queue.lock, coroutine)
            try:
                await coroutine
            finally:
                queue.lock.release()
        finally:
            queue.users -= 1
            if not queue.users:  # nothing waits: forget the chat, so memory stays bounded
                del self._chats[key]

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    @property
    def chats_in_flight(self) -> int:
        """How many chats have an update being processed or waiting."""
        return len(self._chats)


class _ChatQueue:
    """One chat's turn-taking lock, and how many updates hold or wait for it."""

    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


async def _take_turn(lock: asyncio.Lock, coroutine: Awaitable[Any]) -> None:
    """Wait for the chat's lock; if shutdown cancels the wait, drop the update's coroutine."""
    try:
        await lock.acquire()
    except BaseException:
        if inspect.iscoroutine(coroutine):
            coroutine.close()  # never started: close it rather than leave it un-awaited
        raise


def chat_key(update: object) -> int:
    """Name the conversation an update belongs to: its chat, else its sender."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return NO_CHAT
