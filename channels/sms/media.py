"""The job that downloads a message's pictures from Twilio and attaches them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from channels.sms.rest import download_media
from intake import erased
from intake.fetch import MediaFetchError, MediaRefusedError
from intake.models import Attachment, Contribution
from intake.plugins import JobContext

MAX_MEDIA_BYTES = 16 * 1024 * 1024  # WhatsApp's limit; MMS stays under 5 MB
REFUSED = "media_refused"
UNAVAILABLE = "media_unavailable"


def attachment_kind(media_type: str) -> str:
    """Name the kind of original a media type is: photo, audio, video or file."""
    major = media_type.split("/")[0]
    return {"image": "photo", "audio": "audio", "video": "video"}.get(major, "file")


def _note(
    session: Session,
    contribution: Contribution,
    index: int,
    media_type: str,
    reason: str,
    detail: str,
) -> None:
    """Keep a trace of media that could not be fetched, and ask a person to look."""
    session.add(
        Attachment(
            contribution_id=contribution.id,
            kind=attachment_kind(media_type),
            media_type=media_type or "application/octet-stream",
            details={"index": index, "missing": reason, "detail": detail},
        )
    )
    contribution.needs_person = True
    contribution.needs_person_reason = contribution.needs_person_reason or reason


def fetch_message_media(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Download one media item of a message into the media store and attach it, once."""
    contribution = session.get(Contribution, payload["contribution_id"])
    if contribution is None:
        return
    index, url = int(payload["index"]), str(payload["url"])
    declared = str(payload.get("content_type") or "")
    done = session.scalars(
        select(Attachment.details).where(Attachment.contribution_id == contribution.id)
    )
    if any(details.get("index") == index for details in done):
        return
    try:
        fetched = download_media(ctx.runtime, url, MAX_MEDIA_BYTES)
    except MediaRefusedError as error:
        _note(session, contribution, index, declared, REFUSED, str(error))
    except MediaFetchError as error:
        if not ctx.last_attempt:
            raise
        _note(session, contribution, index, declared, UNAVAILABLE, str(error))
    else:
        if erased.still_there(session, contribution.id) is None:
            # Erased during the download: keep nothing of it.
            erased.discard(session, ctx.runtime.media, [fetched.sha256])
            return
        session.add(
            Attachment(
                contribution_id=contribution.id,
                kind=attachment_kind(fetched.media_type),
                sha256=fetched.sha256,
                media_type=fetched.media_type,
                size=fetched.size,
                details={"index": index, "source_host": urlsplit(url).hostname},
            )
        )
    session.flush()
