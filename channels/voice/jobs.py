"""The voice jobs: bring a voicemail home from Twilio, then delete Twilio's copy."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from channels.twilio.client import delete_recording, remote
from channels.voice.adapter import DELETE_JOB, TRANSCRIBE_JOB
from intake.evidence import MissingMedia
from intake.jobs import enqueue
from intake.jobs.download import Gone, Missing, download
from intake.models import Attachment, Contribution
from intake.plugins import JobContext

log = logging.getLogger("inspraak.voice")
# Twilio's WAV is 8 kHz 16-bit mono: 16 kB a second, so this allows over fifteen minutes.
MAX_RECORDING_BYTES = 16 * 1024 * 1024
MAX_RECORDING_SECONDS = 15 * 60.0
AUDIO = "audio"
TOO_LONG = "audio_too_long"


def recording_file_url(url: str) -> str:
    """Return the WAV address of a `RecordingUrl` (Twilio serves the format the suffix names)."""
    return url if url.endswith((".wav", ".mp3")) else url + ".wav"


def fetch_recording_job(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Download a voicemail, keep it, queue its transcription and Twilio's deletion, once."""
    sid = str(payload["recording_sid"])
    url = recording_file_url(str(payload["url"]))
    outcome = download(
        session,
        ctx,
        int(payload["contribution_id"]),
        lambda: remote(ctx.runtime.settings, url, MAX_RECORDING_BYTES),
        done=lambda reading, found: _already_kept(reading, found, sid),
    )
    if isinstance(outcome, Gone):  # erased: Twilio's copy has no use left
        _delete_at_twilio(session, ctx, sid)
        return
    if isinstance(outcome, Missing):
        _missing(session, payload, sid, outcome.reason, outcome.detail)
        return
    if outcome is None:  # kept already
        return
    contribution, fetched = outcome.contribution, outcome.media
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


def delete_recording_job(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Delete a recording at Twilio; one already gone counts as deleted."""
    delete_recording(ctx.runtime.settings, str(payload["recording_sid"]))
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
