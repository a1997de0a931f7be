"""Build Telegram updates as a user's client would send them (sandbox and tests)."""

from __future__ import annotations

from itertools import count
from typing import Any

from telegram import Bot, Update

from bot.sandbox.api import FIXED_DATE, MessageIds


class UpdateFactory:
    """Make updates from one user in one private chat, with realistic ids."""

    def __init__(
        self,
        bot: Bot,
        ids: MessageIds,
        *,
        user_id: int = 1001,
        language_code: str | None = "en",
        first_name: str = "Sam",
    ) -> None:
        """Bind to a bot (for shortcuts like reply_text) and the shared message-id counter."""
        self._bot = bot
        self._ids = ids
        self._callback_ids = count(1)
        self.user_id = user_id
        self.language_code = language_code
        self.user: dict[str, object] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            self.user["language_code"] = language_code
        self.chat = {"id": user_id, "type": "private", "first_name": first_name}

    def _update(self, payload: dict[str, Any]) -> Update:
        update = Update.de_json({"update_id": self._ids.next_update(), **payload}, self._bot)
        assert update is not None
        return update

    def _message(self, **fields: Any) -> dict[str, Any]:
        message_id = fields.pop("message_id", None) or self._ids.next(self.user_id)
        return {
            "message_id": message_id,
            "date": FIXED_DATE,
            "chat": self.chat,
            "from": self.user,
            **fields,
        }

    def text(
        self, text: str, *, reply_to: int | None = None, message_id: int | None = None
    ) -> Update:
        """A text message; commands get their bot_command entity."""
        fields: dict[str, Any] = {"text": text, "message_id": message_id}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if reply_to is not None:
            fields["reply_to_message"] = {
                "message_id": reply_to,
                "date": FIXED_DATE,
                "chat": self.chat,
                "text": "…",
            }
        return self._update({"message": self._message(**fields)})

    def edited_text(self, text: str, *, message_id: int) -> Update:
        """The carer's edit of a text message they sent earlier."""
        edited = self._message(text=text, message_id=message_id, edit_date=FIXED_DATE + 60)
        return self._update({"edited_message": edited})

    def callback(self, data: str, *, message_id: int = 1) -> Update:
        """A tap on an inline button under the bot's message ``message_id``."""
        return self._update(
            {
                "callback_query": {
                    "id": f"cq{self.user_id}-{next(self._callback_ids)}",
                    "from": self.user,
                    "chat_instance": "sandbox",
                    "data": data,
                    "message": {
                        "message_id": message_id,
                        "date": FIXED_DATE,
                        "chat": self.chat,
                        "text": "…",
                    },
                }
            }
        )

    def in_shared_chat(
        self, text: str, *, chat_id: int, chat_type: str = "group", sender: bool = True
    ) -> Update:
        """A message in a group, supergroup or channel (channel posts have no sender)."""
        chat = {"id": chat_id, "type": chat_type, "title": "Shared"}
        message: dict[str, Any] = {
            "message_id": self._ids.next(chat_id),
            "date": FIXED_DATE,
            "chat": chat,
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split(maxsplit=1)[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        if sender:
            message["from"] = self.user
        key = "channel_post" if chat_type == "channel" else "message"
        return self._update({key: message})

    def callback_in_chat(
        self, data: str, *, chat_id: int, chat_type: str, message_id: int
    ) -> Update:
        """A tap by this user on a button under a message in someone else's chat."""
        chat = {"id": chat_id, "type": chat_type, "title": "Shared"}
        return self._update(
            {
                "callback_query": {
                    "id": f"cq{self.user_id}-{next(self._callback_ids)}",
                    "from": self.user,
                    "chat_instance": "shared",
                    "data": data,
                    "message": {
                        "message_id": message_id,
                        "date": FIXED_DATE,
                        "chat": chat,
                        "text": "…",
                    },
                }
            }
        )

    def membership(self, status: str, *, chat_id: int | None = None) -> Update:
        """The bot was blocked/unblocked in the private chat, or added to/removed from a group."""
        bot_user = {"id": self._bot.id, "is_bot": True, "first_name": "Secure Base"}

        def member(state: str) -> dict[str, Any]:
            return {"user": bot_user, "status": state} | (
                {"until_date": 0} if state == "kicked" else {}
            )

        gone = "left" if chat_id is not None else "kicked"
        old = "member" if status in ("kicked", "left") else gone
        chat = self.chat if chat_id is None else {"id": chat_id, "type": "group", "title": "G"}
        return self._update(
            {
                "my_chat_member": {
                    "chat": chat,
                    "from": self.user,
                    "date": FIXED_DATE,
                    "old_chat_member": member(old),
                    "new_chat_member": member(status),
                }
            }
        )

    def voice(self) -> Update:
        """A voice note."""
        return self._update(
            {
                "message": self._message(
                    voice={"file_id": "voice1", "file_unique_id": "v1", "duration": 3}
                )
            }
        )

    def photo(self, caption: str | None = None) -> Update:
        """A photo, with the caption typed under it if any."""
        size = {"file_id": "photo1", "file_unique_id": "p1", "width": 10, "height": 10}
        fields: dict[str, Any] = {"photo": [size]}
        if caption:
            fields["caption"] = caption
        return self._update({"message": self._message(**fields)})

    def sticker(self) -> Update:
        """A sticker."""
        return self._update(
            {
                "message": self._message(
                    sticker={
                        "file_id": "st1",
                        "file_unique_id": "s1",
                        "type": "regular",
                        "width": 10,
                        "height": 10,
                        "is_animated": False,
                        "is_video": False,
                    }
                )
            }
        )

    def location(self, latitude: float, longitude: float) -> Update:
        """A shared location."""
        return self._update(
            {"message": self._message(location={"latitude": latitude, "longitude": longitude})}
        )
