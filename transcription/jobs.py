"""The job that turns a stored recording into the contribution's text, or asks for a person."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import fmean
from typing import Any

from sqlalchemy.orm import Session

from intake import erased
from intake.evidence import TimedWord, TranscriptionFailure
from intake.evidence import Transcript as StoredTranscript
from intake.jobs import PermanentJobError
from intake.models import Attachment, Contribution, TextOrigin
from intake.plugins import JobContext
from intake.storage import MediaNotFoundError
from transcription.audio import AudioError, AudioTooLongError
from transcription.engine import DEFAULT_MAX_SECONDS, Transcript, transcribe
from transcription.installed import shared_registry
from transcription.speech_models import ModelLoadError, NoModelError

log = logging.getLogger("inspraak.transcription")

TRANSCRIBE_JOB = "transcription.transcribe"
AWAITING_TRANSCRIPTION = "awaiting_transcription"
NO_SPEECH_MODEL = "no_speech_model"
SPEECH_MODEL_BROKEN = "speech_model_broken"
AUDIO_MISSING = "audio_missing"
MAX_SECONDS = DEFAULT_MAX_SECONDS


@dataclass(frozen=True)
class Failure:
    """Why a recording could not be transcribed, for the person who will listen to it."""

    reason: str
    detail: str
    duration_seconds: float | None = None


def transcribe_job(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Transcribe one audio attachment with the model of the contribution's language, once."""
    # Read in a read-only session: the job's own would hold SQLite's write lock through the
    # whole decoding, and every webhook would wait for it.
    with ctx.runtime.db.session(write=False) as reading:
        contribution = reading.get(Contribution, payload.get("contribution_id"))
        attachment = reading.get(Attachment, payload.get("attachment_id"))
        if contribution is None or attachment is None:
            return  # erased meanwhile (retention, staff): nothing left to transcribe
        if attachment.contribution_id != contribution.id:
            raise PermanentJobError("the attachment belongs to another contribution")
        if StoredTranscript.of(attachment.details) is not None:
            return
        ids, sha256 = (contribution.id, attachment.id), attachment.sha256
        language = str(payload.get("language") or contribution.language)
    result = _transcribe(sha256, language, ctx)
    # Locked until the commit: an erasure now waits for this job, or has already happened.
    contribution, attachment = erased.still_there(session, ids[0]), session.get(Attachment, ids[1])
    if contribution is None or attachment is None or StoredTranscript.of(attachment.details):
        return  # erased, or transcribed by another worker, while this one listened
    if isinstance(result, Failure):
        _wait_for_person(contribution, attachment, result)
    else:
        _store(contribution, attachment, result)
    session.flush()


def _transcribe(sha256: str | None, language: str, ctx: JobContext) -> Transcript | Failure:
    if not sha256:
        return Failure(AUDIO_MISSING, "no audio was stored")
    registry = shared_registry(ctx.runtime.settings)
    try:
        # A file gone from the store is missing audio, not audio ffmpeg cannot decode.
        with ctx.runtime.media.local(sha256) as path:
            return transcribe(path, language, registry, max_seconds=MAX_SECONDS)
    except NoModelError:
        return Failure(NO_SPEECH_MODEL, f"language {language}")
    except AudioTooLongError as error:
        return Failure(error.code, str(error), error.seconds)
    except AudioError as error:
        return Failure(error.code, str(error))
    except (MediaNotFoundError, FileNotFoundError):
        return Failure(AUDIO_MISSING, "the audio file is gone")
    except ModelLoadError as error:
        # An operator can repair a broken model folder, so retry until the last attempt.
        if not ctx.last_attempt:
            raise
        return Failure(SPEECH_MODEL_BROKEN, str(error))


def _store(contribution: Contribution, attachment: Attachment, result: Transcript) -> None:
    attachment.duration_seconds = result.duration_seconds
    stored = StoredTranscript(
        words=tuple(TimedWord(w.text, w.start, w.end, w.confidence) for w in result.words),
        model=result.model_name,
        language=result.language,
        duration_seconds=result.duration_seconds,
        reason=result.reason,
    )
    attachment.details = stored.stored_in(attachment.details)
    if not contribution.text.strip():
        contribution.text = result.text
        contribution.text_origin = TextOrigin.TRANSCRIBED
    if result.words:
        contribution.confidence = round(fmean(w.confidence for w in result.words), 4)
    _settle(contribution, result.reason)


def _wait_for_person(contribution: Contribution, attachment: Attachment, failure: Failure) -> None:
    log.info("contribution %s waits for a person: %s", contribution.id, failure.reason)
    if failure.duration_seconds is not None:
        attachment.duration_seconds = attachment.duration_seconds or failure.duration_seconds
    trace = TranscriptionFailure(failure.reason, failure.detail)
    attachment.details = trace.stored_in(attachment.details)
    _settle(contribution, failure.reason)


def _settle(contribution: Contribution, reason: str | None) -> None:
    # A reason set by someone else (a refused download, staff) outranks this job's verdict.
    if contribution.needs_person_reason not in (None, AWAITING_TRANSCRIPTION):
        return
    contribution.needs_person = reason is not None
    contribution.needs_person_reason = reason
