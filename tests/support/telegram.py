"""A fake Telegram Bot API server on 127.0.0.1, and updates shaped as Telegram sends them."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from tests.support.http import FakeServer, Recorded, Reply, fake_server

TOKEN = "123456:TEST-token"
SECRET = "webhook-secret_1"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Inspraak", "username": "InspraakBot"}
METHODS = (
    "getMe",
    "sendMessage",
    "getFile",
    "answerCallbackQuery",
    "editMessageText",
    "setWebhook",
    "deleteWebhook",
    "getUpdates",
)
_clock = itertools.count(1_767_225_600)


def _ok(result: Any) -> Reply:
    return Reply(200, json.dumps({"ok": True, "result": result}).encode(), _JSON)


def error(status: int, description: str) -> Reply:
    """Answer as the Bot API does when it refuses a call."""
    body = {"ok": False, "error_code": status, "description": description}
    return Reply(status, json.dumps(body).encode(), _JSON)


_JSON = {"Content-Type": "application/json"}
BLOCKED = error(403, "Forbidden: bot was blocked by the user")
BROKEN = error(500, "Internal Server Error")


def params_of(request: Recorded) -> dict[str, Any]:
    """Read a Bot API call's parameters, form-encoded (python-telegram-bot) or JSON."""
    if request.headers.get("Content-Type", "").startswith("application/json"):
        return dict(json.loads(request.body or b"{}"))
    values: dict[str, Any] = dict(parse_qsl(request.body.decode()))
    for name in ("reply_markup", "allowed_updates"):
        if name in values:
            values[name] = json.loads(values[name])
    return values


@dataclass
class Sent:
    """A message the bot sent: its chat, text and inline buttons as (label, data) rows."""

    chat_id: int
    text: str
    buttons: list[list[tuple[str, str]]]

    @property
    def button_data(self) -> list[str]:
        """Return the callback data of every button, row by row."""
        return [data for row in self.buttons for _label, data in row]

    @property
    def button_labels(self) -> list[str]:
        """Return the label of every button, row by row."""
        return [label for row in self.buttons for label, _data in row]


@dataclass
class FakeTelegram:
    """The Bot API of one bot: records calls, serves files, scripts failures and updates."""

    server: FakeServer
    token: str = TOKEN
    updates: list[dict[str, Any]] = field(default_factory=list)
    failures: dict[str, list[Reply]] = field(default_factory=dict)
    files: dict[str, tuple[str, int]] = field(default_factory=dict)
    # Every message the bot sent, as the chat shows it now (edits applied), by message id.
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    _message_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1000))

    @property
    def base_url(self) -> str:
        """Return the root to give the bot as TELEGRAM_API_BASE."""
        return self.server.base_url

    def env(self) -> dict[str, str]:
        """Return the settings that point Inspraak's bot at this server."""
        return {
            "TELEGRAM_BOT_TOKEN": self.token,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_API_BASE": self.base_url,
            "INSPRAAK_MEDIA_HOSTS": "http://127.0.0.1",  # the fake serves plain http
        }

    def calls(self, method: str) -> list[dict[str, Any]]:
        """Return the parameters of every call to `method`, in order."""
        path = f"/bot{self.token}/{method}"
        return [params_of(r) for r in self.server.requests if r.path.split("?")[0] == path]

    def sent(self) -> list[Sent]:
        """Return the messages the bot sent successfully or not, in order."""
        return [
            Sent(
                int(call["chat_id"]),
                call["text"],
                _rows(call.get("reply_markup")),
            )
            for call in self.calls("sendMessage")
        ]

    def shown(self, message_id: int) -> Sent:
        """Return a message the bot sent as the resident sees it now, after any edits."""
        shown = self.messages[message_id]
        return Sent(shown["chat"]["id"], shown["text"], _rows(shown.get("reply_markup")))

    def last_message_id(self) -> int:
        """Return the id of the message the bot sent last."""
        return max(self.messages)

    def fail(self, method: str, *replies: Reply) -> None:
        """Answer the next calls to `method` with `replies`, then as usual again."""
        self.failures.setdefault(method, []).extend(replies)

    def add_file(
        self, file_id: str, content: bytes, file_path: str, size: int | None = None
    ) -> None:
        """Serve `content` for getFile(file_id) (which tells `size`) and at its file path."""
        self.files[file_id] = (file_path, len(content) if size is None else size)
        self.server.route(
            "GET",
            f"/file/bot{self.token}/{file_path}",
            Reply(200, content, {"Content-Type": "application/octet-stream"}),
        )

    def _answer(self, method: str, request: Recorded) -> Reply:
        queued = self.failures.get(method)
        if queued:
            return queued.pop(0)
        params = params_of(request)
        if method == "getMe":
            return _ok(BOT_USER)
        if method == "sendMessage":
            chat = {"id": int(params["chat_id"]), "type": "private", "first_name": "Resident"}
            result = {
                "message_id": next(self._message_ids),
                "from": BOT_USER,
                "chat": chat,
                "date": next(_clock),
                "text": params["text"],
            }
            if "reply_markup" in params:
                result["reply_markup"] = params["reply_markup"]
            self.messages[result["message_id"]] = result
            return _ok(result)
        if method == "editMessageText":
            return self._edit(params)
        if method == "getFile":
            file_id = params["file_id"]
            if file_id not in self.files:
                return error(400, "Bad Request: invalid file_id")
            path, size = self.files[file_id]
            unique = f"U{file_id}"
            return _ok(
                {"file_id": file_id, "file_unique_id": unique, "file_size": size, "file_path": path}
            )
        if method == "getUpdates":
            # An offset confirms every update before it: Telegram forgets those.
            offset = int(params.get("offset") or 0)
            self.updates[:] = [u for u in self.updates if u["update_id"] >= offset]
            return _ok(self.updates)
        return _ok(True)

    def _edit(self, params: dict[str, Any]) -> Reply:
        # As Telegram: the chat must hold the message, and an edit must change something.
        shown = self.messages.get(int(params.get("message_id") or 0))
        if shown is None or shown["chat"]["id"] != int(params["chat_id"]):
            return error(400, "Bad Request: message to edit not found")
        edited = {**shown, "text": params["text"]}
        edited.pop("reply_markup", None)
        if params.get("reply_markup"):
            edited["reply_markup"] = params["reply_markup"]
        if edited == shown:
            return error(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup "
                "of the message",
            )
        edited["edit_date"] = next(_clock)
        self.messages[edited["message_id"]] = edited
        return _ok(edited)


def _rows(markup: dict[str, Any] | None) -> list[list[tuple[str, str]]]:
    rows = (markup or {}).get("inline_keyboard", [])
    return [[(b["text"], b["callback_data"]) for b in row] for row in rows]


@contextmanager
def fake_telegram() -> Iterator[FakeTelegram]:
    """Run a fake Bot API server for the block."""
    with fake_bots(TOKEN) as (fake,):
        yield fake


@contextmanager
def fake_bots(*tokens: str) -> Iterator[tuple[FakeTelegram, ...]]:
    """Run one fake Bot API server with a bot for each token (one Bot API serves them all)."""
    with fake_server() as server:
        bots = tuple(FakeTelegram(server, token=token) for token in tokens)
        for fake in bots:
            for method in METHODS:
                server.route(
                    "POST",
                    f"/bot{fake.token}/{method}",
                    lambda request, method=method, fake=fake: fake._answer(method, request),
                )
        yield bots


# Updates, shaped as Telegram posts them to a webhook or returns them from getUpdates.

_update_ids = itertools.count(700_000_001)
_chat_message_ids = itertools.count(1)


def next_update_id() -> int:
    """Return a fresh update id, increasing like Telegram's."""
    return next(_update_ids)


def user(user_id: int, language_code: str | None = "nl") -> dict[str, Any]:
    """A person's Telegram account."""
    person: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Resident"}
    if language_code:
        person["language_code"] = language_code
    return person


def private_chat(user_id: int) -> dict[str, Any]:
    """The private chat between the bot and a person (its id is the person's id)."""
    return {"id": user_id, "first_name": "Resident", "type": "private"}


def group_chat() -> dict[str, Any]:
    """A group the bot was added to."""
    return {"id": -1001234567890, "title": "Buurtgroep", "type": "supergroup"}


def message(
    user_id: int,
    text: str | None = None,
    *,
    language_code: str | None = "nl",
    chat: dict[str, Any] | None = None,
    edited: bool = False,
    update_id: int | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """An update with a new (or edited) message: text, or media given as `fields`."""
    body: dict[str, Any] = {
        "message_id": next(_chat_message_ids),
        "from": user(user_id, language_code),
        "chat": chat or private_chat(user_id),
        "date": next(_clock),
        **fields,
    }
    if text is not None:
        body["text"] = text
        if text.startswith("/"):
            command = text.split(" ")[0]
            body["entities"] = [{"offset": 0, "length": len(command), "type": "bot_command"}]
    if edited:
        body["edit_date"] = next(_clock)
    key = "edited_message" if edited else "message"
    return {"update_id": update_id or next_update_id(), key: body}


def tap(
    user_id: int,
    data: str,
    *,
    language_code: str | None = "nl",
    under: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An update for a tap on an inline button under one of the bot's messages (`under`)."""
    return {
        "update_id": next_update_id(),
        "callback_query": {
            "id": str(4_000_000_000 + next(_chat_message_ids)),
            "from": user(user_id, language_code),
            "message": under
            or {
                "message_id": 1000,
                "from": BOT_USER,
                "chat": private_chat(user_id),
                "date": next(_clock),
                "text": "…",
            },
            "chat_instance": "-5512345678901234567",
            "data": data,
        },
    }


def voice(file_id: str, size: int, duration: int = 3) -> dict[str, Any]:
    """The `voice` field of a voice-note message."""
    unique = f"AgAD{file_id[-6:]}"
    return {
        "voice": {
            "file_id": file_id,
            "file_unique_id": unique,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": size,
        }
    }


def photo(file_id: str, size: int) -> dict[str, Any]:
    """The `photo` field of a photo message: Telegram's sizes, smallest first."""
    return {
        "photo": [
            {
                "file_id": f"{file_id}-s",
                "file_unique_id": "AQADs",
                "file_size": 1200,
                "width": 90,
                "height": 67,
            },
            {
                "file_id": file_id,
                "file_unique_id": "AQADm",
                "file_size": size,
                "width": 1280,
                "height": 960,
            },
        ]
    }


def document(file_id: str, size: int, mime_type: str, file_name: str) -> dict[str, Any]:
    """The `document` field of a message carrying a file."""
    return {
        "document": {
            "file_id": file_id,
            "file_unique_id": f"AgAD{file_id[-6:]}",
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": size,
        }
    }


def blocked(user_id: int, status: str = "kicked") -> dict[str, Any]:
    """The update Telegram sends when a person blocks the bot (or, as "member", unblocks it)."""
    return {
        "update_id": next_update_id(),
        "my_chat_member": {
            "chat": private_chat(user_id),
            "from": user(user_id),
            "date": next(_clock),
            "old_chat_member": {"user": BOT_USER, "status": "member"},
            "new_chat_member": {"user": BOT_USER, "status": status, "until_date": 0},
        },
    }
