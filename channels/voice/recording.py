"""Jobs that bring a voicemail home from Twilio, then delete Twilio's copy."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session
from twilio.base.exceptions import TwilioRestException

from channels.sms.rest import TwilioError, download_media, twilio_client
from channels.voice.adapter import DELETE_JOB, TRANSCRIBE_JOB
from intake import erased
from intake.evidence import MissingMedia
from intake.fetch import MediaFetchError, MediaRefusedError
from intake.jobs import enqueue
from intake.models import Attachment, Contribution
from intake.plugins import JobContext

log = logging.getLogger("inspraak.voice")
# Twilio's WAV is 8 kHz 16-bit mono: 16 kB a second, so this allows over fifteen minutes.
MAX_RECORDING_BYTES = 16 * 1024 * 1024
MAX_RECORDING_SECONDS = 15 * 60.0
AUDIO = "audio"
REFUSED = "media_refused"
UNAVAILABLE = "media_unavailable"
TOO_LONG = "audio_too_long"


def recording_file_url(url: str) -> str:
    """Return the WAV address of a `RecordingUrl` (Twilio serves the format the suffix names)."""
    return url if url.endswith((".wav", ".mp3")) else url + ".wav"


def fetch_recording(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Download a voicemail, keep it, queue its transcription and Twilio's deletion, once."""
    sid = str(payload["recording_sid"])
    # Checked in a read-only session: the job's own would hold SQLite's write lock during
    # the download, and every webhook would wait for it.
    with ctx.runtime.db.session(write=False) as reading:
        if reading.get(Contribution, int(payload["contribution_id"])) is None:
            _delete_at_twilio(session, ctx, sid)  # erased before it was fetched
            return
        if _already_kept(reading, int(payload["contribution_id"]), sid):
            return
    url = recording_file_url(str(payload["url"]))
    try:
        fetched = download_media(ctx.runtime, url, MAX_RECORDING_BYTES)
    except MediaRefusedError as error:
        _missing(session, payload, sid, REFUSED, str(error))
        return
    except MediaFetchError as error:
        if not ctx.last_attempt:
            raise
        _missing(session, payload, sid, UNAVAILABLE, str(error))
        return
    # Locked until the commit: an erasure now waits for this job, or has already happened.
    contribution = erased.still_there(session, int(payload["contribution_id"]))
    if contribution is None:  # erased during the download: keep nothing, here or there
        erased.discard(session, ctx.runtime.media, [fetched.sha256])
        _delete_at_twilio(session, ctx, sid)
        return
    if _already_kept(session, contribution.id, sid):
        return
    duration = payload.get("duration_seconds")
    attachment = Attachment(
        contribution_id=contribution.id,
        kind=AUDIO,
        sha256=fetched.sha256,
        media_type=fetched.media_type,
        size=fetched.size,
        duration_seconds=None if duration is None else float(duration),
        details={"recording_sid": sid, "source_host": urlsplit(url).hostname},
    )
    session.add(attachment)
    session.flush()
    if duration is not None and float(duration) > MAX_RECORDING_SECONDS:
        contribution.needs_person, contribution.needs_person_reason = True, TOO_LONG
    else:
        enqueue(
            session,
            TRANSCRIBE_JOB,
            {
                "contribution_id": contribution.id,
                "attachment_id": attachment.id,
                "language": contribution.language,
            },
            contribution_id=contribution.id,
        )
    _delete_at_twilio(session, ctx, sid)
    session.flush()


def _delete_at_twilio(session: Session, ctx: JobContext, sid: str) -> None:
    """Queue the deletion of Twilio's copy, to run once this job's work is committed."""
    if ctx.runtime.settings.delete_at_provider:
        # A job of its own, so Twilio's copy goes only once ours is committed; not tied to
        # the contribution, so that erasing it meanwhile does not cancel the deletion.
        enqueue(session, DELETE_JOB, {"recording_sid": sid})


def delete_recording(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Delete a recording at Twilio; one already gone counts as deleted."""
    sid = str(payload["recording_sid"])
    with twilio_client(ctx.runtime.settings) as client:
        try:
            client.recordings(sid).delete()
        except TwilioRestException as error:
            if error.status != 404:
                raise TwilioError.of(error) from None
    log.info("recording deleted at Twilio")


def _already_kept(session: Session, contribution_id: int, sid: str) -> bool:
    """Tell whether the contribution is gone or already has this recording (or its trace)."""
    if session.get(Contribution, contribution_id) is None:
        return True
    kept = session.scalars(
        select(Attachment.details).where(Attachment.contribution_id == contribution_id)
    )
    return any(details.get("recording_sid") == sid for details in kept)


def _missing(
    session: Session, payload: Mapping[str, Any], sid: str, reason: str, detail: str
) -> None:
    """Keep a trace of a recording that could not be fetched, and ask a person to look."""
    contribution = session.get(Contribution, payload["contribution_id"])
    if contribution is None or _already_kept(session, contribution.id, sid):
        return
    session.add(
        Attachment(
            contribution_id=contribution.id,
            kind=AUDIO,
            media_type="audio/x-wav",
            details=MissingMedia(reason, detail).stored_in({"recording_sid": sid}),
        )
    )
    contribution.needs_person, contribution.needs_person_reason = True, reason
    session.flush()
