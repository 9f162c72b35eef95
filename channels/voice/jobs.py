"""The voice jobs: bring recordings home from Twilio, hear spoken answers, delete Twilio's copy."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from channels.twilio.client import delete_recording, remote
from channels.voice import closed
from channels.voice.adapter import DELETE_JOB, HEAR_JOB, TRANSCRIBE_JOB
from intake import erased, questions
from intake.evidence import AnswerEvidence, MissingMedia
from intake.inbound import GivenAnswer
from intake.jobs import PermanentJobError, enqueue
from intake.jobs.download import Gone, Missing, download
from intake.models import Attachment, ClosedQuestion, Contribution
from intake.plugins import JobContext
from intake.storage import MediaNotFoundError
from transcription.audio import AudioError
from transcription.choices import HeardChoice, hear_choice
from transcription.installed import shared_registry
from transcription.speech_models import ModelLoadError, NoModelError

log = logging.getLogger("inspraak.voice")
# Twilio's WAV is 8 kHz 16-bit mono: 16 kB a second, so this allows over fifteen minutes.
MAX_RECORDING_BYTES = 16 * 1024 * 1024
MAX_RECORDING_SECONDS = 15 * 60.0
# A spoken answer lasts a few seconds (`texts.ANSWER_SECONDS`); a minute is plenty.
MAX_ANSWER_BYTES = 16 * 1024 * 60
AUDIO = "audio"
TOO_LONG = "audio_too_long"
UNCLEAR = "spoken_answer_unclear"
# Kept on a spoken answer's attachment once heard, so that a rerun does not hear it twice.
HEARD = "heard"


def recording_file_url(url: str) -> str:
    """Return the WAV address of a `RecordingUrl` (Twilio serves the format the suffix names)."""
    return url if url.endswith((".wav", ".mp3")) else url + ".wav"


def fetch_recording_job(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Download a voicemail, keep it, queue its transcription and Twilio's deletion, once."""
    kept = _bring_home(session, payload, ctx, MAX_RECORDING_BYTES)
    if kept is None:
        return
    contribution, attachment = kept
    duration = payload.get("duration_seconds")
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
    session.flush()


def fetch_answer_job(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Download a spoken answer, keep it beside the voicemail, queue its recognition, once."""
    question_id = int(payload["question_id"])
    kept = _bring_home(session, payload, ctx, MAX_ANSWER_BYTES, answer_to=question_id)
    if kept is None:
        return
    contribution, attachment = kept
    hear = {
        "contribution_id": contribution.id,
        "attachment_id": attachment.id,
        "question_id": question_id,
        "language": str(payload["language"]),
    }
    enqueue(session, HEAR_JOB, hear, contribution_id=contribution.id)
    session.flush()


def _bring_home(
    session: Session, payload: Mapping[str, Any], ctx: JobContext, max_bytes: int, **details: Any
) -> tuple[Contribution, Attachment] | None:
    """Keep a recording as the contribution's attachment and queue Twilio's deletion.

    None when there is nothing more to do: erased, kept already, or missing (traced).
    """
    sid = str(payload["recording_sid"])
    url = recording_file_url(str(payload["url"]))
    outcome = download(
        session,
        ctx,
        int(payload["contribution_id"]),
        lambda: remote(ctx.runtime.settings, url, max_bytes),
        done=lambda reading, found: _already_kept(reading, found, sid),
    )
    if isinstance(outcome, Gone):  # erased: Twilio's copy has no use left
        _delete_at_twilio(session, ctx, sid)
        return None
    if isinstance(outcome, Missing):
        _missing(session, payload, sid, outcome.reason, outcome.detail)
        return None
    if outcome is None:  # kept already
        return None
    contribution, fetched = outcome.contribution, outcome.media
    duration = payload.get("duration_seconds")
    attachment = Attachment(
        contribution_id=contribution.id,
        kind=AUDIO,
        sha256=fetched.sha256,
        media_type=fetched.media_type,
        size=fetched.size,
        duration_seconds=None if duration is None else float(duration),
        details={"recording_sid": sid, "source_host": urlsplit(url).hostname, **details},
    )
    session.add(attachment)
    session.flush()
    _delete_at_twilio(session, ctx, sid)
    return contribution, attachment


def hear_answer_job(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Recognise a spoken answer among its question's options; store it, or ask a person."""
    contribution_id = int(payload["contribution_id"])
    # Read in a read-only session: recognising must not hold SQLite's write lock.
    with ctx.runtime.db.session(write=False) as reading:
        attachment = reading.get(Attachment, payload.get("attachment_id"))
        question = reading.get(ClosedQuestion, payload.get("question_id"))
        if attachment is None or question is None or HEARD in attachment.details:
            return  # erased meanwhile, or heard already
        if attachment.contribution_id != contribution_id:
            raise PermanentJobError("the attachment belongs to another contribution")
        language = str(payload["language"])
        options = closed.option_phrases(question, language)
        sha256, question_id = attachment.sha256, question.id
    heard = _hear(sha256, language, options, ctx)
    # Locked until the commit: an erasure now waits for this job, or has already happened.
    contribution = erased.still_there(session, contribution_id)
    attachment = session.get(Attachment, payload["attachment_id"])
    if contribution is None or attachment is None or HEARD in attachment.details:
        return
    # What was heard stays beside the audio, also when it answered nothing.
    attachment.details = {**attachment.details, HEARD: asdict(heard)}
    if heard.option is None:
        log.info("contribution %s: a spoken answer was not recognised", contribution.id)
        closed.wait_for_person(contribution, UNCLEAR)
    else:
        evidence = AnswerEvidence("speech", words=heard.words, confidence=heard.confidence)
        answer = GivenAnswer(question_id, heard.option, evidence)
        questions.record_answers(session, contribution.id, contribution.contributor_id, [answer])
    session.flush()


def _hear(
    sha256: str | None, language: str, options: dict[str, list[str]], ctx: JobContext
) -> HeardChoice:
    unclear = HeardChoice(None, "", None)
    if not sha256:
        return unclear
    try:
        with ctx.runtime.media.local(sha256) as path:
            return hear_choice(path, language, shared_registry(ctx.runtime.settings), options)
    except (NoModelError, AudioError, MediaNotFoundError, FileNotFoundError):
        return unclear
    except ModelLoadError:
        # An operator can repair a broken model folder, so retry until the last attempt.
        if not ctx.last_attempt:
            raise
        return unclear


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
