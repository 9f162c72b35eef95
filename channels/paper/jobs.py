"""Scanned files in: store the original, queue one job per file, read it into contributions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from channels.paper.adapter import (
    CHANNEL,
    ORIGINAL_KIND,
    form_inbound,
    media_type_of,
    message_id,
)
from channels.paper.split import original_pages, pdf_pages
from intake import erased, questions
from intake.jobs import PermanentJobError, enqueue
from intake.models import Attachment, Contribution, Job, JobStatus
from intake.plugins import JobContext
from intake.receive import receive
from intake.runtime import Runtime
from intake.storage import MediaNotFoundError
from ocr.jobs import TRANSIENT, consultation_id
from ocr.reader import ScanResult, UnreadableScanError
from ocr.reading import reading
from ocr.record import (
    SCAN_KIND,
    Evidence,
    FormRecord,
    Put,
    archive_evidence,
    form_record,
    personal_if,
)

IMPORT_JOB = "paper.import_file"
FORGET_JOB = "paper.forget_file"
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


def queue_stream(
    runtime: Runtime, session: Session, handle: BinaryIO, name: str, uploaded_by: int | None = None
) -> Queued:
    """Keep an open file as an original and queue the job that reads it (the caller commits).

    `uploaded_by`: the staff member who handed the file in on the staff area, if one did.
    """
    sha256, size = runtime.media.put(handle)
    payload: dict[str, Any] = {"sha256": sha256, "name": name, "size": size}
    if uploaded_by is not None:
        payload["uploaded_by"] = uploaded_by
    job = enqueue(session, IMPORT_JOB, payload, max_attempts=IMPORT_ATTEMPTS)
    session.flush()
    return Queued(name, sha256, job.id)


def queue_upload(
    runtime: Runtime, session: Session, handle: BinaryIO, name: str, staff_id: int
) -> int:
    """Queue a file a staff member uploaded; return the id of the job that reads it."""
    return queue_stream(runtime, session, handle, name, uploaded_by=staff_id).job_id


def uploader(payload: Mapping[str, Any]) -> int | None:
    """Return who uploaded the file an import job reads (None: the command or the folder)."""
    by = payload.get("uploaded_by")
    return by if isinstance(by, int) else None


def import_file_job(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Read one scanned file and store one paper contribution per form found in it.

    A file holding several forms is cut up: each contribution owns only its own pages of
    the original and of the archive copy, and the whole file is removed from the store by
    a follow-up job once this one has committed. Forms already stored, or erased, are left
    as they are, so a re-run after a crash adds what is missing and nothing twice.

    A file that cannot be read has no contribution to wait in, so the job is declared dead
    with the reason: the importer lists it, the watched folder moves it aside, staff see it.
    """
    media = ctx.runtime.media
    sha256 = str(payload["sha256"])
    put: list[str] = []

    def store(data: bytes) -> tuple[str, int]:
        key, size = media.put_bytes(data)
        put.append(key)
        return key, size

    try:
        with media.open(sha256, 0, 16) as head:
            media_type = media_type_of(head.read())
        file = Evidence(
            ORIGINAL_KIND,
            media_type,
            sha256,
            int(payload.get("size") or media.size(sha256)),
            None,
            {"name": str(payload.get("name", ""))},
        )
        with media.local(sha256) as path, reading(ctx.runtime, path) as result:
            file = replace(file, pages=len(result.pages))
            new = _new_forms(ctx, sha256, len(result.forms))
            forms = [(index, *_evidence(result, index, file, path, store)) for index in new]
    except TRANSIENT as error:
        _drop(ctx, put)
        if not ctx.last_attempt:
            raise
        raise PermanentJobError(f"{error.reason}: {error.message}") from None
    except UnreadableScanError as error:
        _drop(ctx, put)
        raise PermanentJobError(f"{error.reason}: {error.message}") from None
    except MediaNotFoundError:
        _drop(ctx, put)
        raise PermanentJobError("missing_original: the stored file is gone") from None
    except BaseException:
        _drop(ctx, put)
        raise
    for index, record, original in forms:
        _store(session, record, original, index, sha256)
    enqueue(session, FORGET_JOB, {"sha256": sha256}, max_attempts=IMPORT_ATTEMPTS)
    session.flush()


def _new_forms(ctx: JobContext, sha256: str, count: int) -> list[int]:
    """Return the forms of the file not stored yet and not erased (a short read)."""
    secret = ctx.runtime.settings.secret_key
    with ctx.runtime.db.session(write=False) as reader:
        stored = set(
            reader.scalars(
                select(Contribution.channel_message_id).where(
                    Contribution.channel == CHANNEL,
                    Contribution.channel_message_id.like(f"{sha256}:%"),
                )
            )
        )
        return [
            index
            for index in range(count)
            if message_id(sha256, index) not in stored
            and not erased.was_erased(reader, secret, CHANNEL, message_id(sha256, index))
        ]


def _evidence(
    result: ScanResult, index: int, file: Evidence, path: Path, store: Put
) -> tuple[FormRecord, Evidence]:
    """Store form `index`'s own pages of the original and archive, its images and crops."""
    form = result.forms[index]
    named = form.names_someone
    if len(result.forms) == 1:
        # One form: the file is its original as it came in, the archive copy is whole.
        archive = archive_evidence(result.archive_bytes(), len(result.pages), store, personal=named)
        return form_record(form, store, archive=archive), personal_if(file, named)
    pages = sorted(page.index for page in form.pages)
    archive = archive_evidence(
        pdf_pages(result.archive_pdf, pages), len(pages), store, personal=named
    )
    key, size = store(original_pages(path, file.media_type, pages))
    details = {**file.details, "pages_of_file": [p + 1 for p in pages]}
    original = replace(file, sha256=key, size=size, pages=len(pages), details=details)
    return form_record(form, store, archive=archive), personal_if(original, named)


def _drop(ctx: JobContext, keys: list[str]) -> None:
    """Remove what a failed run stored, unless a stored contribution points at it."""
    with ctx.runtime.db.session(write=False) as reader:
        erased.discard(reader, ctx.runtime.media, keys)


def _store(
    session: Session, record: FormRecord, original: Evidence, index: int, file_sha256: str
) -> None:
    found = consultation_id(session, record.slug) if record.slug else None
    answers = questions.of_consultation(session, found, record.closed_answers)
    inbound = form_inbound(
        record,
        original=original,
        index=index,
        consultation_id=found,
        file_sha256=file_sha256,
        closed_answers=answers,
    )
    receipt = receive(session, inbound)
    if receipt.created and record.confidence is not None:
        contribution = session.get(Contribution, receipt.id)
        if contribution is not None:
            contribution.confidence = record.confidence


def forget_file_job(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Remove a read file from the store once its forms own their pages and no import waits."""
    sha256 = str(payload["sha256"])
    waiting = session.scalars(
        select(Job.payload).where(
            Job.kind == IMPORT_JOB, Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING))
        )
    )
    if any(p.get("sha256") == sha256 for p in waiting):
        return  # the same file was queued again: its job removes it when done
    erased.discard(session, ctx.runtime.media, [sha256])


def outcome(session: Session, job_id: int) -> Outcome | None:
    """Tell where the job reading a file stands and what it found; None if there is no job."""
    job = session.get(Job, job_id)
    if job is None:
        return None
    if job.status == JobStatus.DEAD:
        return Outcome("refused", reason=refusal(job.last_error or ""))
    if job.status != JobStatus.DONE or _forgetting(session, str(job.payload["sha256"])):
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


def _forgetting(session: Session, sha256: str) -> bool:
    """Tell whether the whole file is still to be removed from the store after its reading."""
    pending = session.scalars(
        select(Job.payload).where(
            Job.kind == FORGET_JOB, Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING))
        )
    )
    return any(p.get("sha256") == sha256 for p in pending)


def refusal(last_error: str) -> str:
    """Return a dead job's reason without the name of the exception that carried it."""
    _, _, reason = last_error.partition(": ")
    return reason or last_error
