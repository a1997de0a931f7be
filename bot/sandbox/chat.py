"""``python -m bot chat``: try the whole bot in a terminal, no token and no network.

The real Application runs against LocalBotApi; what you type becomes updates and what the bot
sends is printed. Buttons are numbered: type ``#2`` to tap the second one.
"""

from __future__ import annotations

import asyncio
import re
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from telegram import Update

from bot.app import BotApplication, build_application, on_startup
from bot.config import Settings
from bot.sandbox.api import ApiCall, LocalBotApi, MessageIds
from bot.sandbox.updates import UpdateFactory

HELP = """Sandbox commands (anything else goes to the bot exactly as typed):
  #N                 tap button N under the latest message that has buttons
  :wait next         jump to your next scheduled prompt and receive it
  :wait 30m|2h|1d    move the sandbox clock on and send any prompts now due
  :voice :photo :sticker   send something that is not text
  :photo CAPTION     send a photo with a caption under it
  :location LAT LON  share a location (sets your timezone)
  :reply TEXT        reply to the latest prompt, like Telegram's Reply
  :user N            become sandbox user N (1 is you; 2, 3... are other people), e.g. a
                     trainer in one and a carer joining their group in another
  t.me/...?start=X   open a bot link (a group's join link, a trainer link)
  :link              open the latest t.me link the bot showed, as if you tapped it
  :help  :quit"""
_WAIT = re.compile(r"^(\d+)\s*([mhd])$")
_LINK = re.compile(r"^(?:https?://)?t\.me/[A-Za-z0-9_]+\?start=([A-Za-z0-9_-]+)$")
_LINK_IN_TEXT = re.compile(r"https://t\.me/[A-Za-z0-9_]+\?start=[A-Za-z0-9_-]+")
FIRST_USER = 1001
NAMES = ("Sam", "Alex", "Jo", "Kim", "Lee", "Max", "Noor", "Ola", "Pat")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
Write = Callable[[str], None]


class ShiftedClock:
    """Real time plus an offset that ``:wait`` moves forward."""

    def __init__(self) -> None:
        """Start at the real time."""
        self.offset = timedelta()

    def now(self) -> datetime:
        """Return the shifted instant."""
        return datetime.now(UTC) + self.offset


def show(write: Write) -> Callable[[ApiCall], None]:
    """Return a listener that prints what the bot sends, numbering its buttons."""

    def listener(call: ApiCall) -> None:
        if call.method in {"sendMessage", "editMessageText"}:
            prefix = "bot (edited)" if call.method == "editMessageText" else "bot"
            prefix += _recipient(call)
            write(f"\n{prefix}> {call.text}")
        elif call.method == "sendDocument":
            write(f"\nbot> [file] {_save_documents(call)}\n{call.text}")
        elif call.method == "sendPhoto":
            write(f"\nbot> [image] {_save_documents(call, suffix='png')}\n{call.text}")
        if call.buttons:
            write(
                "  " + "  ".join(f"[#{i}] {label}" for i, (label, _) in enumerate(call.buttons, 1))
            )

    return listener


def _recipient(call: ApiCall) -> str:
    """Name the sandbox user a message went to, when it is not user 1."""
    chat = str(call.params.get("chat_id", ""))
    index = int(chat) - FIRST_USER if chat.isdigit() else 0
    return f" to {NAMES[index]}" if 0 < index < len(NAMES) else ""


def _save_documents(call: ApiCall, suffix: str = "json") -> str:
    folder = Path("exports")
    folder.mkdir(exist_ok=True)
    saved = []
    for index, content in enumerate(call.files.values()):
        stamp = f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{call.message_id or 0}-{index}"
        path = folder / f"{'image' if suffix == 'png' else 'export'}-{stamp}.{suffix}"
        path.write_bytes(content)
        saved.append(str(path))
    return ", ".join(saved)


class Sandbox:
    """Turn typed lines into updates for one application."""

    def __init__(
        self,
        app: BotApplication,
        api: LocalBotApi,
        users: UpdateFactory,
        clock: ShiftedClock,
        write: Write,
    ) -> None:
        """Wire the pieces run_chat builds."""
        self.app, self.api, self.users, self.clock, self.write = app, api, users, clock, write
        self.language = users.language_code

    async def handle(self, line: str) -> None:
        """Act on one typed line."""
        if not line:
            return
        if line == ":help":
            self.write(HELP)
        elif line.startswith(":wait"):
            await self.wait(line.removeprefix(":wait").strip())
        elif line.startswith(":user"):
            self.switch(line.removeprefix(":user").strip())
        elif (update := self.to_update(line)) is not None:
            await self.app.process_update(update)

    async def wait(self, amount: str) -> None:
        """Move the clock on, then sweep as the periodic job would."""
        services = self.app.bot_data.services
        match = _WAIT.match(amount)
        if amount == "next":
            carer = await services.carers.find(self.users.user_id)
            if carer is None or carer.next_prompt_at is None:
                self.write("(no prompt is scheduled: finish /start, or /resume)")
                return
            self.clock.offset += carer.next_prompt_at - self.clock.now()
        elif match:
            self.clock.offset += timedelta(**{_UNITS[match[2]]: int(match[1])})
        else:
            self.write("Usage: :wait next | 30m | 2h | 1d")
            return
        self.write(f"(sandbox clock: {self.clock.now():%a %d %b %H:%M} UTC)")
        report = await services.prompts.sweep()
        if report.missed:
            self.write(f"({report.missed} prompt(s) skipped: more than 2 hours late)")

    def switch(self, number: str) -> None:
        """Become another sandbox user, each with their own private chat."""
        if not number.isdigit() or not 1 <= int(number) <= len(NAMES):
            self.write(f"Usage: :user N, with N from 1 to {len(NAMES)}")
            return
        index = int(number) - 1
        self.users = UpdateFactory(
            self.app.bot,
            self.api.ids,
            user_id=FIRST_USER + index,
            language_code=self.language,
            first_name=NAMES[index],
        )
        self.write(f"(you are now user {number}, {NAMES[index]})")

    def to_update(self, line: str) -> Update | None:  # noqa: PLR0911 - one per kind of line
        """Build the update a Telegram client would send for this line."""
        users = self.users
        if line == ":link":
            line = self.latest_link() or ""
            if not line:
                self.write("The bot has not shown a t.me link yet.")
                return None
        if (link := _LINK.match(line)) is not None:
            return users.text(f"/start {link[1]}")
        if line.startswith("#") and line[1:].isdigit():
            return self.tap(int(line[1:]))
        simple = {":voice": users.voice, ":photo": users.photo, ":sticker": users.sticker}
        if line in simple:
            return simple[line]()
        if line.startswith(":photo "):
            return users.photo(caption=line.removeprefix(":photo "))
        if line.startswith(":location"):
            try:
                latitude, longitude = (float(part) for part in line.split()[1:3])
            except ValueError:
                self.write("Usage: :location 40.4 -3.7")
                return None
            return users.location(latitude, longitude)
        if line.startswith(":reply "):
            return users.text(line.removeprefix(":reply "), reply_to=self.latest_prompt())
        return users.text(line)

    def tap(self, number: int) -> Update | None:
        """Tap a button under the latest message that has buttons."""
        for call in reversed(self.api.calls):
            mine = str(call.params.get("chat_id")) == str(self.users.user_id)
            if mine and call.buttons and call.message_id is not None:
                if not 1 <= number <= len(call.buttons):
                    self.write(f"There is no button #{number}.")
                    return None
                return self.users.callback(call.buttons[number - 1][1], message_id=call.message_id)
        self.write("There are no buttons to tap yet.")
        return None

    def latest_link(self) -> str | None:
        """Return the newest t.me link the bot showed anyone in the sandbox."""
        for call in reversed(self.api.calls):
            found = _LINK_IN_TEXT.search(call.text)
            if found:
                return found[0]
        return None

    def latest_prompt(self) -> int | None:
        """Return the message id of the latest prompt."""
        for call in reversed(self.api.calls):
            mine = str(call.params.get("chat_id")) == str(self.users.user_id)
            if mine and any(data.startswith("prompt:answer") for _, data in call.buttons):
                return call.message_id
        return None


async def run_chat(
    settings: Settings,
    *,
    language: str | None,
    lines: asyncio.Queue[str | None],
    write: Write = print,
    echo: bool = False,
    as_trainer: bool = False,
) -> None:
    """Run the application against the local API until the lines run out or ``:quit``."""
    ids = MessageIds()
    api = LocalBotApi(listener=show(write), ids=ids)
    clock = ShiftedClock()
    app = build_application(settings, request=api, clock=clock)
    sandbox = Sandbox(app, api, UpdateFactory(app.bot, ids, language_code=language), clock, write)
    if as_trainer:  # what an agency admin does with: python -m bot trainers add ID
        app.bot_data.services.trainers.add(str(FIRST_USER), NAMES[0])
    async with app:
        await on_startup(app)
        await app.start()
        start = "/trainer to open the trainer tools" if as_trainer else "/start to begin"
        write(f"{HELP}\n\nType {start}.")
        while (line := await lines.get()) is not None and line.strip() not in {":quit", ":q"}:
            if echo:
                write(f"\nyou> {line}")
            await sandbox.handle(line.strip())
        await app.stop()


def feed_stdin(lines: asyncio.Queue[str | None]) -> None:
    """Read terminal lines on a daemon thread, so quitting never waits for a keypress."""
    loop = asyncio.get_running_loop()

    def pump() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(lines.put_nowait, line.rstrip("\n"))
        loop.call_soon_threadsafe(lines.put_nowait, None)

    threading.Thread(target=pump, daemon=True, name="sandbox-stdin").start()
