"""Telegram updates → what a resident did (pure: no database, no network).

A voice note, audio file, photo or scanned document is stored as a contribution at once,
with an attachment whose bytes are not downloaded yet and a `telegram.fetch_media` job.
That job downloads the original into the media store, fills in the attachment's sha256 and
queues the follow-up job named below. Until an engine handles it, the contribution waits
for a person (`needs_person`, with the reason below), the original at hand.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from telegram import Message, TelegramObject, Update
from telegram.constants import ChatMemberStatus, ChatType, MessageEntityType

from channels.telegram.client import MAX_DOWNLOAD_BYTES
from intake.hashing import keyed_hash
from intake.inbound import Inbound, InboundMedia, JobRequest, Sender
from intake.models import TextOrigin
from intake.spool import Entry

CHANNEL = "telegram"

FETCH_MEDIA_JOB = "telegram.fetch_media"
"""Download a file through getFile: {contribution_id, file_id, then: the follow-up job kind}."""

PROMPT_JOB = "telegram.prompt"
"""Send a message with inline buttons: {contributor_id, text, buttons: [[[label, data], …]]}."""

EDIT_JOB = "telegram.edit"
"""Show the answer on an answered question, its buttons gone: {contributor_id, message_id, text}."""

TRANSCRIBE_JOB = "transcription.transcribe"
"""Turn a stored recording into text: {contribution_id, attachment_id, language}."""

READ_SCAN_JOB = "ocr.read_scan"
"""Read a stored photo, image or PDF of a form: {contribution_id, attachment_id, language}."""

AWAITING_TRANSCRIPTION = "awaiting_transcription"
AWAITING_SCAN_READING = "awaiting_scan_reading"
MEDIA_NOT_DOWNLOADED = "media_not_downloaded"


@dataclass(frozen=True)
class Person:
    """Who wrote, in which private chat, and the language their app is set to."""

    user_id: int
    chat_id: int
    language_code: str | None


@dataclass(frozen=True)
class Command:
    """A command such as `/start demo` or `/status K7M-4PQ`."""

    name: str
    argument: str


@dataclass(frozen=True)
class Choice:
    """A tap on an inline button, under the bot's message `message_id` in the resident's chat."""

    data: str
    callback_query_id: str
    message_id: int | None = None


@dataclass(frozen=True)
class TelegramFile:
    """A file the resident sent, still on Telegram's servers."""

    kind: str
    file_id: str
    file_unique_id: str
    media_type: str
    size: int | None
    duration_seconds: float | None = None
    file_name: str | None = None

    @property
    def too_large(self) -> bool:
        """Tell whether the Bot API would refuse to hand the file over."""
        return (self.size or 0) > MAX_DOWNLOAD_BYTES

    @property
    def follow_up(self) -> tuple[str, str]:
        """Name the job that reads the file once downloaded, and the review reason till then."""
        if self.kind == "audio":
            return TRANSCRIBE_JOB, AWAITING_TRANSCRIPTION
        return READ_SCAN_JOB, AWAITING_SCAN_READING


@dataclass(frozen=True)
class Content:
    """A message that may be a contribution: text, or a file with an optional caption.

    `unsupported` names what cannot be taken: "document" (a file type we cannot read)
    or "message" (stickers, locations, videos, …).
    """

    text: str = ""
    file: TelegramFile | None = None
    unsupported: str | None = None


@dataclass(frozen=True)
class Edited:
    """The resident changed a message they had sent before."""


@dataclass(frozen=True)
class Membership:
    """The resident blocked the bot (`blocked`) or allowed it again."""

    blocked: bool


Action = Command | Choice | Content | Edited | Membership


@dataclass(frozen=True)
class Event:
    """One update from a private chat, reduced to what Inspraak needs."""

    update_id: int
    person: Person
    action: Action
    at: datetime | None = None


def _kind(media_type: str) -> str:
    if media_type.startswith("audio/"):
        return "audio"
    return "image" if media_type.startswith("image/") else "document"


def _file(message: Message) -> TelegramFile | None:
    item: TelegramObject
    if message.voice:
        item, default = message.voice, "audio/ogg"
    elif message.audio:
        item, default = message.audio, "audio/mpeg"
    elif message.photo:
        item, default = message.photo[-1], "image/jpeg"  # the largest size Telegram made
    elif message.document:
        item, default = message.document, "application/octet-stream"
    else:
        return None
    # to_dict() gives the wire values; some attributes warn when read in this PTB version.
    raw: dict[str, Any] = item.to_dict()
    media_type = (raw.get("mime_type") or default).lower()
    return TelegramFile(
        _kind(media_type),
        raw["file_id"],
        raw["file_unique_id"],
        media_type,
        raw.get("file_size"),
        duration_seconds=raw.get("duration"),
        file_name=raw.get("file_name"),
    )


def _readable(file: TelegramFile) -> bool:
    return file.kind in ("audio", "image") or file.media_type == "application/pdf"


def _is_command(message: Message) -> bool:
    first = message.entities[0] if message.entities else None
    return first is not None and first.type == MessageEntityType.BOT_COMMAND and first.offset == 0


def _message_action(message: Message) -> Action:
    text = message.text or ""
    if _is_command(message):
        head, _, argument = text.partition(" ")
        name = head[1:].split("@")[0].lower()
        return Command(name, argument.strip())
    file = _file(message)
    if file is not None:
        if not _readable(file):
            return Content(unsupported="document")
        return Content(text=message.caption or "", file=file)
    if text:
        return Content(text=text)
    return Content(unsupported="message")


def _private(chat_type: str | None) -> bool:
    return chat_type == ChatType.PRIVATE


def parse(update: Update) -> Event | None:
    """Reduce an update to an Event; None for anything not from a private chat with a person."""
    if update.message is not None or update.edited_message is not None:
        message = update.message or update.edited_message
        assert message is not None
        user = message.from_user
        if user is None or user.is_bot or not _private(message.chat.type):
            return None
        action: Action = Edited() if update.edited_message else _message_action(message)
        person = Person(user.id, message.chat.id, user.language_code)
        return Event(update.update_id, person, action, message.date)
    if update.callback_query is not None:
        query = update.callback_query
        chat = query.message.chat if query.message else None
        if chat is None or not _private(chat.type) or not query.data:
            return None
        person = Person(query.from_user.id, chat.id, query.from_user.language_code)
        tapped = query.message.message_id if query.message else None
        return Event(update.update_id, person, Choice(query.data, query.id, tapped))
    if update.my_chat_member is not None:
        member = update.my_chat_member
        if not _private(member.chat.type):
            return None
        blocked = member.new_chat_member.status == ChatMemberStatus.BANNED
        person = Person(member.from_user.id, member.chat.id, member.from_user.language_code)
        return Event(update.update_id, person, Membership(blocked), member.date)
    return None


def spool_entry(secret: str, update: Update, payload: dict[str, Any]) -> Entry:
    """Describe an update for the spool, its sender named as their contributor row is."""
    user = update.effective_user
    known = keyed_hash(secret, CHANNEL, str(user.id)) if user is not None else None
    return Entry(CHANNEL, str(update.update_id), payload, sender=known)


def sender(secret: str, person: Person, *, may_reply: bool) -> Sender:
    """Know the resident by a keyed hash of their user id; keep the chat id only for replies."""
    # Telegram vouches for who writes: the chat is the resident's own.
    known = Sender.of(secret, CHANNEL, str(person.user_id), may_reply=False, confirmed=True)
    if not may_reply:
        return known
    return Sender(
        known.kind, known.address_hash, str(person.chat_id), wants_updates=True, confirmed=True
    )


def to_inbound(
    event: Event, content: Content, *, consultation_id: int, language: str, sender: Sender
) -> Inbound:
    """Turn a message into the channel-neutral Inbound; a file is fetched later by a job."""
    inbound = Inbound(
        channel=CHANNEL,
        language=language,
        text=content.text,
        consultation_id=consultation_id,
        channel_message_id=str(event.update_id),
        sender=sender,
        received_at=event.at,
    )
    file = content.file
    if file is None:
        return inbound
    follow_up, reason = file.follow_up
    details = {"source": CHANNEL, "file_unique_id": file.file_unique_id}
    if file.file_name:
        details["file_name"] = file.file_name
    media = InboundMedia(
        kind=file.kind,
        media_type=file.media_type,
        size=file.size,
        duration_seconds=file.duration_seconds,
        details=details,
    )
    # A caption stays beside the file; the engine that reads the file writes the text.
    return replace(
        inbound,
        text="",
        text_origin=TextOrigin.NONE,
        answers={"caption": content.text} if content.text else {},
        media=(media,),
        jobs=(JobRequest(FETCH_MEDIA_JOB, {"file_id": file.file_id, "then": follow_up}),),
        needs_person_reason=reason,
    )
