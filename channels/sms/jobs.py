"""The SMS and WhatsApp jobs: send a text, download a message's media, delete Twilio's copy."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from channels.sms.adapter import DELETE_MEDIA_JOB
from channels.sms.segments import segments
from channels.twilio.client import (
    MediaAtTwilio,
    delete_message_media,
    find_sent_message,
    remote,
    send_message,
)
from intake.evidence import MissingMedia
from intake.jobs import enqueue
from intake.jobs.download import Gone, Missing, download
from intake.models import Attachment, Contribution
from intake.plugins import JobContext
from intake.runtime import Runtime
from intake.usage import SMS_SEGMENTS_OUT

log = logging.getLogger("inspraak.sms")

MAX_MEDIA_BYTES = 16 * 1024 * 1024  # WhatsApp's limit; MMS stays under 5 MB


def send_sms(runtime: Runtime, address: str, body: str) -> str:
    """Text `body` to a phone number; return Twilio's message sid."""
    return send_message(runtime, address, body)


def send_whatsapp(runtime: Runtime, address: str, body: str) -> str:
    """Send `body` to a number on WhatsApp through Twilio; return the message sid."""
    return send_message(runtime, address, body, whatsapp=True)


def sms_meter(body: str) -> tuple[str, int]:
    """Return what texting `body` costs: its SMS segments."""
    return SMS_SEGMENTS_OUT, segments(body)


def sent_sms(runtime: Runtime, address: str, body: str, since: datetime) -> str | None:
    """Return the sid of a text with `body` sent to `address` since `since`, if Twilio has one."""
    return find_sent_message(runtime, address, body, since)


def sent_whatsapp(runtime: Runtime, address: str, body: str, since: datetime) -> str | None:
    """Return the sid of a WhatsApp message with `body` sent to `address` since `since`."""
    return find_sent_message(runtime, address, body, since, whatsapp=True)


def attachment_kind(media_type: str) -> str:
    """Name the kind of original a media type is: photo, audio, video or file."""
    major = media_type.split("/")[0]
    return {"image": "photo", "audio": "audio", "video": "video"}.get(major, "file")


def _note(
    session: Session,
    contribution_id: int,
    index: int,
    media_type: str,
    reason: str,
    detail: str,
) -> None:
    """Keep a trace of media that could not be fetched, and ask a person to look."""
    contribution = session.get(Contribution, contribution_id)
    if contribution is None or _has_item(session, contribution_id, index):
        return
    session.add(
        Attachment(
            contribution_id=contribution.id,
            kind=attachment_kind(media_type),
            media_type=media_type or "application/octet-stream",
            details=MissingMedia(reason, detail).stored_in({"index": index}),
        )
    )
    contribution.needs_person = True
    contribution.needs_person_reason = contribution.needs_person_reason or reason


def _has_item(session: Session, contribution_id: int, index: int) -> bool:
    kept = session.scalars(
        select(Attachment.details).where(Attachment.contribution_id == contribution_id)
    )
    return any(details.get("index") == index for details in kept)


def fetch_media_job(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Download one media item of a message into the media store and attach it, once."""
    index, url = int(payload["index"]), str(payload["url"])
    contribution_id = int(payload["contribution_id"])
    declared = str(payload.get("content_type") or "")
    outcome = download(
        session,
        ctx,
        contribution_id,
        lambda: remote(ctx.runtime.settings, url, MAX_MEDIA_BYTES),
        done=lambda reading, found: _has_item(reading, found, index),
    )
    if isinstance(outcome, Gone):  # erased: Twilio's copy has no use left
        _delete_at_twilio(session, ctx, url)
        return
    if isinstance(outcome, Missing):
        _note(session, contribution_id, index, declared, outcome.reason, outcome.detail)
        return
    if outcome is None:  # kept already
        return
    fetched = outcome.media
    session.add(
        Attachment(
            contribution_id=contribution_id,
            kind=attachment_kind(fetched.media_type),
            sha256=fetched.sha256,
            media_type=fetched.media_type,
            size=fetched.size,
            details={"index": index, "source_host": urlsplit(url).hostname},
        )
    )
    _delete_at_twilio(session, ctx, url)
    session.flush()


def _delete_at_twilio(session: Session, ctx: JobContext, url: str) -> None:
    """Queue the deletion of Twilio's copy, to run once this job's work is committed."""
    settings = ctx.runtime.settings
    media = MediaAtTwilio.of(url, settings.twilio_account_sid)
    if not settings.delete_at_provider or media is None:
        return
    # A job of its own, not tied to the contribution: erasing the contribution before it
    # runs must not cancel it.
    payload = {"message_sid": media.message_sid, "media_sid": media.media_sid}
    enqueue(session, DELETE_MEDIA_JOB, payload)


def delete_media_job(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Delete a message's media item at Twilio (already gone counts as deleted)."""
    media = MediaAtTwilio(str(payload["message_sid"]), str(payload["media_sid"]))
    delete_message_media(ctx.runtime.settings, media)
    log.info("message media deleted at Twilio")
