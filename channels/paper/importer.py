"""Scanned files in: store the original, queue one job per file, read it into contributions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from channels.paper.adapter import CHANNEL, ORIGINAL_KIND, form_inbound, media_type_of
from intake.jobs import PermanentJobError, enqueue
from intake.models import Attachment, Contribution, Job, JobStatus
from intake.plugins import JobContext
from intake.receive import receive
from intake.runtime import Runtime
from intake.storage import MediaNotFoundError
from ocr.jobs import TRANSIENT, consultation_id
from ocr.reader import UnreadableScanError
from ocr.reading import reading
from ocr.record import SCAN_KIND, Evidence, FormRecord, archive_evidence, form_record

IMPORT_JOB = "paper.import_file"
IMPORT_ATTEMPTS = 3
SUFFIXES = (".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png")


@dataclass(frozen=True)
class Queued:
    """A scanned file stored as an original, with the job that reads it."""

    name: str
    sha256: str
    job_id: int


@dataclass(frozen=True)
class Outcome:
    """Where the job reading one file stands, and what it found."""

    state: str  # "waiting", "read" or "refused"
    forms: int = 0
    pages_needing_person: int = 0
    reason: str = ""


def queue_file(runtime: Runtime, session: Session, path: Path, name: str | None = None) -> Queued:
    """Keep the file as an original and queue the job that reads it (the caller commits)."""
    with path.open("rb") as handle:
        return queue_stream(runtime, session, handle, name or path.name)


def queue_stream(runtime: Runtime, session: Session, handle: BinaryIO, name: str) -> Queued:
    """Keep an open file as an original and queue the job that reads it (the caller commits)."""
    sha256, size = runtime.media.put(handle)
    job = enqueue(
        session,
        IMPORT_JOB,
        {"sha256": sha256, "name": name, "size": size},
        max_attempts=IMPORT_ATTEMPTS,
    )
    session.flush()
    return Queued(name, sha256, job.id)


def import_file_job(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Read one scanned file and store one paper contribution per form found in it.

    A file that cannot be read has no contribution to wait in, so the job is declared dead
    with the reason: the importer lists it, the watched folder moves it aside, staff see it.
    """
    media = ctx.runtime.media
    sha256 = str(payload["sha256"])
    try:
        with media.open(sha256, 0, 16) as head:
            media_type = media_type_of(head.read())
        with reading(ctx.runtime, media.path(sha256)) as result:
            archive = archive_evidence(result.archive_bytes(), len(result.pages), media.put_bytes)
            records = [form_record(form, media.put_bytes, archive=archive) for form in result.forms]
            pages = len(result.pages)
    except TRANSIENT as error:
        if not ctx.last_attempt:
            raise
        raise PermanentJobError(f"{error.reason}: {error.message}") from None
    except UnreadableScanError as error:
        raise PermanentJobError(f"{error.reason}: {error.message}") from None
    except MediaNotFoundError:
        raise PermanentJobError("missing_original: the stored file is gone") from None
    original = Evidence(
        ORIGINAL_KIND,
        media_type,
        sha256,
        int(payload.get("size") or media.size(sha256)),
        pages,
        {"name": str(payload.get("name", ""))},
    )
    for index, record in enumerate(records):
        _store(session, record, original, index)
    session.flush()


def _store(session: Session, record: FormRecord, original: Evidence, index: int) -> None:
    found = consultation_id(session, record.slug) if record.slug else None
    inbound = form_inbound(record, original=original, index=index, consultation_id=found)
    receipt = receive(session, inbound)
    if receipt.created and record.confidence is not None:
        contribution = session.get(Contribution, receipt.id)
        if contribution is not None:
            contribution.confidence = record.confidence


def outcome(session: Session, job_id: int) -> Outcome | None:
    """Tell where the job reading a file stands and what it found; None if there is no job."""
    job = session.get(Job, job_id)
    if job is None:
        return None
    if job.status == JobStatus.DEAD:
        return Outcome("refused", reason=refusal(job.last_error or ""))
    if job.status != JobStatus.DONE:
        return Outcome("waiting")
    prefix = f"{job.payload['sha256']}:%"
    mine = (Contribution.channel == CHANNEL, Contribution.channel_message_id.like(prefix))
    forms = session.scalar(select(func.count()).select_from(Contribution).where(*mine))
    pages = session.scalar(
        select(func.count(Attachment.id))
        .join(Contribution, Attachment.contribution_id == Contribution.id)
        .where(*mine, Contribution.needs_person, Attachment.kind == SCAN_KIND)
    )
    return Outcome("read", forms or 0, pages or 0)


def refusal(last_error: str) -> str:
    """Return a dead job's reason without the name of the exception that carried it."""
    _, _, reason = last_error.partition(": ")
    return reason or last_error
