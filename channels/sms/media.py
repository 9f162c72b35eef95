"""The jobs that download a message's pictures from Twilio, attach them, then delete Twilio's."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from channels.sms.adapter import DELETE_MEDIA_JOB
from channels.sms.rest import MediaAtTwilio, delete_message_media, download_media
from intake import erased
from intake.evidence import MissingMedia
from intake.fetch import MediaFetchError, MediaRefusedError
from intake.jobs import enqueue
from intake.models import Attachment, Contribution
from intake.plugins import JobContext

log = logging.getLogger("inspraak.sms")

MAX_MEDIA_BYTES = 16 * 1024 * 1024  # WhatsApp's limit; MMS stays under 5 MB
REFUSED = "media_refused"
UNAVAILABLE = "media_unavailable"


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


def fetch_message_media(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Download one media item of a message into the media store and attach it, once."""
    index, url = int(payload["index"]), str(payload["url"])
    contribution_id = int(payload["contribution_id"])
    declared = str(payload.get("content_type") or "")
    # Checked in a read-only session: the job's own would hold SQLite's write lock during
    # the download, and every webhook would wait for it.
    with ctx.runtime.db.session(write=False) as reading:
        gone = reading.get(Contribution, contribution_id) is None
        if not gone and _has_item(reading, contribution_id, index):
            return
    if gone:  # erased before it was fetched: Twilio's copy has no use left
        _delete_at_twilio(session, ctx, url)
        return
    try:
        fetched = download_media(ctx.runtime, url, MAX_MEDIA_BYTES)
    except MediaRefusedError as error:
        _note(session, contribution_id, index, declared, REFUSED, str(error))
        return
    except MediaFetchError as error:
        if not ctx.last_attempt:
            raise
        _note(session, contribution_id, index, declared, UNAVAILABLE, str(error))
        return
    # Locked until the commit: an erasure now waits for this job, or has already happened.
    if erased.still_there(session, contribution_id) is None:
        # Erased during the download: keep nothing, here or there.
        erased.discard(session, ctx.runtime.media, [fetched.sha256])
        _delete_at_twilio(session, ctx, url)
        return
    if _has_item(session, contribution_id, index):
        return
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
