"""The job that reads a photo or scan a resident sent and fills in their contribution."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake import erased, questions
from intake.evidence import ScanReading
from intake.jobs import PermanentJobError
from intake.jobs.download import DISK_FULL
from intake.models import Attachment, Consultation, Contribution, TextOrigin
from intake.plugins import JobContext
from intake.storage import MediaNotFoundError, StorageFullError
from ocr.reader import OcrFailedError, ScanTimeoutError, UnreadableScanError
from ocr.reader.errors import MissingLanguageError
from ocr.reader.result import NO_TEXT
from ocr.reading import reading
from ocr.record import ARCHIVE_KIND, Evidence, FormRecord, archive_evidence, form_record

log = logging.getLogger("inspraak.ocr")

READ_SCAN_JOB = "ocr.read_scan"
AWAITING_SCAN_READING = "awaiting_scan_reading"
SCAN_MISSING = "scan_missing"
SEVERAL_FORMS = "several_forms"
# Failures a later attempt may get past on a less busy machine.
TRANSIENT = (ScanTimeoutError, OcrFailedError)


def read_scan_job(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Read one stored photo or scan of a form into its contribution, once.

    A file that cannot be read is not a failed job: the contribution waits for a person
    with the reason and the original at hand, which is where staff look anyway.
    """
    runtime = ctx.runtime
    with runtime.db.session(write=False) as reader:
        source = reader.execute(
            select(Attachment.sha256, Attachment.contribution_id, Attachment.details).where(
                Attachment.id == payload.get("attachment_id")
            )
        ).first()
    if source is None:
        return  # erased meanwhile (retention, staff): nothing left to read
    if source.contribution_id != payload.get("contribution_id"):
        raise PermanentJobError("the attachment belongs to another contribution")
    if ScanReading.of(source.details) is not None:
        return
    records: list[FormRecord] = []
    reason: str | None = None
    if not source.sha256:
        reason = SCAN_MISSING
    else:
        try:
            records = _read(ctx, source.sha256)
        except TRANSIENT as error:
            if not ctx.last_attempt:
                raise
            reason = error.reason
        except MissingLanguageError as error:
            log.warning("scan not read: %s", error.message)  # names the missing languages
            reason = error.reason
        except UnreadableScanError as error:
            reason = error.reason
        except (MediaNotFoundError, FileNotFoundError):
            reason = SCAN_MISSING
        except StorageFullError:
            # Space may be freed: retried while attempts last, then it waits for a person.
            if not ctx.last_attempt:
                raise
            reason = DISK_FULL
    # Locked until the commit: an erasure now waits for this job, or has already happened.
    contribution = erased.still_there(session, source.contribution_id)
    attachment = session.get(Attachment, payload["attachment_id"])
    if contribution is None or attachment is None:
        # Erased while the scan was read: nothing it made may stay behind in the store.
        stored = [e.sha256 for r in records for e in r.evidence]
        erased.discard(session, runtime.media, stored)
        return
    if records:
        reason = _fill(session, contribution, records)
    else:
        reason = reason or NO_TEXT
        log.info("contribution %s: scan not read: %s", contribution.id, reason)
    attachment.details = ScanReading(len(records), reason).stored_in(attachment.details)
    if any(r.names_someone for r in records):
        # The photo shows the name the form's own page images have covered.
        attachment.details = {**attachment.details, "personal": True}
    _settle(contribution, reason)
    session.flush()


def _read(ctx: JobContext, sha256: str) -> list[FormRecord]:
    media = ctx.runtime.media
    with media.local(sha256) as path, reading(ctx.runtime, path) as result:
        named = any(form.names_someone for form in result.forms)
        archive = archive_evidence(
            result.archive_bytes(), len(result.pages), media.put_bytes, personal=named
        )
        return [form_record(form, media.put_bytes, archive=archive) for form in result.forms]


def _fill(session: Session, contribution: Contribution, records: list[FormRecord]) -> str | None:
    """Put the first form's reading in the contribution and attach every form's evidence."""
    first = records[0]
    if contribution.consultation_id is None and first.slug:
        contribution.consultation_id = consultation_id(session, first.slug)
    if first.language:
        contribution.language = first.language
    if not contribution.text.strip() and first.text:
        contribution.text = first.text
        contribution.text_origin = TextOrigin.OCR
        contribution.confidence = first.confidence
    contribution.answers = {**contribution.answers, **first.answers}
    given = questions.of_consultation(session, contribution.consultation_id, first.closed_answers)
    questions.record_answers(session, contribution.id, contribution.contributor_id, given)
    contribution.author_name = contribution.author_name or first.author_name
    contribution.postcode = contribution.postcode or first.postcode
    # Every form of the file carries the one archive copy of the file; attach it once.
    archived: set[str] = set()
    for record in records:
        for evidence in record.evidence:
            if evidence.kind == ARCHIVE_KIND:
                if evidence.sha256 in archived:
                    continue
                archived.add(evidence.sha256)
            session.add(attachment_of(contribution.id, evidence))
    if len(records) > 1:
        return SEVERAL_FORMS
    return first.reason


def consultation_id(session: Session, slug: str) -> int | None:
    """Return the id of the consultation a form's QR code names, if it exists."""
    return session.scalar(select(Consultation.id).where(Consultation.slug == slug))


def attachment_of(contribution_id: int, evidence: Evidence) -> Attachment:
    """Build the attachment row for stored evidence."""
    return Attachment(
        contribution_id=contribution_id,
        kind=evidence.kind,
        media_type=evidence.media_type,
        sha256=evidence.sha256,
        size=evidence.size,
        pages=evidence.pages,
        details=dict(evidence.details),
    )


def _settle(contribution: Contribution, reason: str | None) -> None:
    # A reason set by someone else (a refused download, staff) outranks this job's verdict.
    if contribution.needs_person_reason not in (None, AWAITING_SCAN_READING):
        return
    contribution.needs_person = reason is not None
    contribution.needs_person_reason = reason
