"""Twilio's Messaging webhook fields → a `TwilioMessage`, and a message → an `Inbound`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from channels.twilio.client import WHATSAPP_PREFIX
from intake.hashing import keyed_hash
from intake.inbound import Inbound, JobRequest, Sender
from intake.models import TextOrigin

SMS = "sms"
PHONE = "phone"  # the kind of address a resident texts from
WHATSAPP = "whatsapp"
MEDIA_JOB = "sms.media"
DELETE_MEDIA_JOB = "sms.delete_media"
MAX_MEDIA = 10  # Twilio delivers at most ten media items with one message


class MalformedMessageError(Exception):
    """The webhook lacks the fields every Twilio message has."""


@dataclass(frozen=True)
class MediaItem:
    """One attachment of an MMS or WhatsApp message, still at Twilio."""

    url: str
    content_type: str


@dataclass(frozen=True)
class TwilioMessage:
    """An incoming SMS or WhatsApp message, as Twilio describes it."""

    sid: str
    channel: str
    number: str
    body: str
    media: tuple[MediaItem, ...] = ()
    # The SMS segments the resident sent (Twilio's NumSegments), which the number pays for.
    segments: int = 1

    @classmethod
    def from_form(cls, form: Mapping[str, str]) -> TwilioMessage:
        """Read the webhook's form fields; raise MalformedMessageError without sid or sender."""
        sid, sender = form.get("MessageSid", ""), form.get("From", "")
        if not sid or not sender:
            raise MalformedMessageError("MessageSid and From are required")
        channel = WHATSAPP if sender.startswith(WHATSAPP_PREFIX) else SMS
        try:
            count = min(int(form.get("NumMedia") or 0), MAX_MEDIA)
        except ValueError:
            count = 0
        media = tuple(
            MediaItem(form[f"MediaUrl{i}"], form.get(f"MediaContentType{i}", ""))
            for i in range(count)
            if form.get(f"MediaUrl{i}")
        )
        try:
            segments = max(int(form.get("NumSegments") or 1), 1)
        except ValueError:
            segments = 1
        return cls(
            sid=sid,
            channel=channel,
            number=sender.removeprefix(WHATSAPP_PREFIX),
            body=form.get("Body", ""),
            media=media,
            segments=segments,
        )


def spool_sender(secret: str, message: TwilioMessage) -> str:
    """Return the keyed hash a spooled message names its sender by (the contributor's)."""
    return keyed_hash(secret, PHONE, message.number)


def sender_of(message: TwilioMessage, key_hash: str, *, may_reply: bool) -> Sender:
    """Describe the resident behind `message`: its keyed hash, the number only if replies may go.

    The hash is the one made to look the resident up; it is not made twice. The number is
    confirmed: Twilio's signed webhook vouches that the message came from it.
    """
    return Sender(
        kind=PHONE,
        address_hash=key_hash,
        address=message.number if may_reply else None,
        confirmed=True,
    )


def to_inbound(
    message: TwilioMessage,
    *,
    text: str,
    consultation_id: int,
    language: str,
    sender: Sender,
) -> Inbound:
    """Turn a routed message into the channel-neutral `Inbound`, media fetched by jobs."""
    jobs = tuple(
        JobRequest(MEDIA_JOB, {"url": item.url, "content_type": item.content_type, "index": i})
        for i, item in enumerate(message.media)
    )
    return Inbound(
        channel=message.channel,
        language=language,
        text=text,
        consultation_id=consultation_id,
        channel_message_id=message.sid,
        text_origin=TextOrigin.TYPED if text else TextOrigin.NONE,
        sender=sender,
        jobs=jobs,
    )
