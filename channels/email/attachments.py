"""The files of a mail: kept as evidence, read by the scan reader or transcribed, or flagged."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from channels.email.incoming import Part
from intake.jobs import enqueue
from intake.models import Attachment, Contribution
from intake.runtime import Runtime

READ_SCAN_JOB = "ocr.read_scan"
"""Read a stored photo, image or PDF of a form: {contribution_id, attachment_id, language}."""
TRANSCRIBE_JOB = "transcription.transcribe"
"""Turn a stored recording into text: {contribution_id, attachment_id, language}."""
AWAITING_SCAN_READING = "awaiting_scan_reading"
AWAITING_TRANSCRIPTION = "awaiting_transcription"
UNREAD_ATTACHMENT = "email_attachment_unread"
MAIL_KIND = "email"
MAIL_TYPE = "message/rfc822"
_WAITING = (None, AWAITING_SCAN_READING, AWAITING_TRANSCRIPTION)


def stored_mail(raw: bytes) -> Part:
    """Return the mail itself as a file to keep: the original, as it arrived."""
    return Part(MAIL_TYPE, raw, None)


def _reader(media_type: str) -> tuple[str, str | None, str | None]:
    """Name the attachment's kind, the job that reads it and the reason to wait for it."""
    if media_type == MAIL_TYPE:
        return MAIL_KIND, None, None
    if media_type.startswith("audio/"):
        return "audio", TRANSCRIBE_JOB, AWAITING_TRANSCRIPTION
    if media_type.startswith("image/"):
        return "photo", READ_SCAN_JOB, AWAITING_SCAN_READING
    if media_type == "application/pdf":
        return "document", READ_SCAN_JOB, AWAITING_SCAN_READING
    return "file", None, UNREAD_ATTACHMENT


def attach(
    session: Session, runtime: Runtime, contribution: Contribution, files: Sequence[Part]
) -> None:
    """Keep each file with the contribution and queue what reads it, in the caller's session."""
    for part in files:
        sha256, size = runtime.media.put_bytes(part.data)
        kind, job, reason = _reader(part.media_type)
        details: dict[str, object] = {"source": MAIL_KIND}
        if part.file_name:
            details["file_name"] = part.file_name
        if kind == MAIL_KIND:
            details["personal"] = True  # its headers name the sender
        attachment = Attachment(
            contribution_id=contribution.id,
            kind=kind,
            media_type=part.media_type,
            sha256=sha256,
            size=size,
            details=details,
        )
        session.add(attachment)
        session.flush()
        # A file nobody can read outranks one an engine is still reading.
        current = contribution.needs_person_reason
        if (
            reason is not None
            and current in _WAITING
            and (reason == UNREAD_ATTACHMENT or not current)
        ):
            contribution.needs_person, contribution.needs_person_reason = True, reason
        if job is not None:
            enqueue(
                session,
                job,
                {
                    "contribution_id": contribution.id,
                    "attachment_id": attachment.id,
                    "language": contribution.language,
                },
                contribution_id=contribution.id,
            )
