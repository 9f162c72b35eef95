"""Turn one form read from a scanned file into the Inbound of a paper contribution."""

from __future__ import annotations

from intake.inbound import GivenAnswer, Inbound, InboundMedia
from intake.models import TextOrigin
from ocr.reader.result import UNKNOWN_FORM
from ocr.record import Evidence, FormRecord

CHANNEL = "paper"
ORIGINAL_KIND = "original"
DEFAULT_LANGUAGE = "nl"


def media_type_of(head: bytes) -> str:
    """Name the type of a scanned file from its first bytes."""
    if head.startswith(b"%PDF"):
        return "application/pdf"
    if head.startswith(b"\x89PNG"):
        return "image/png"
    if head.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    return "application/octet-stream"


def message_id(sha256: str, index: int) -> str:
    """Name form `index` of a scanned file, so importing the file again adds nothing."""
    return f"{sha256}:{index}"


def _media(evidence: Evidence) -> InboundMedia:
    return InboundMedia(
        kind=evidence.kind,
        media_type=evidence.media_type,
        sha256=evidence.sha256,
        size=evidence.size,
        pages=evidence.pages,
        details=evidence.details,
    )


def form_inbound(
    record: FormRecord,
    *,
    original: Evidence,
    index: int,
    consultation_id: int | None,
    file_sha256: str | None = None,
    closed_answers: tuple[GivenAnswer, ...] = (),
) -> Inbound:
    """Describe form `index` of a scanned file as a contribution, its evidence attached.

    `file_sha256` names the scanned file when `original` holds only this form's pages;
    `closed_answers` are the form's ticked answers that its consultation still asks.
    """
    reason = record.reason
    if reason is None and consultation_id is None:
        reason = UNKNOWN_FORM
    return Inbound(
        channel=CHANNEL,
        language=record.language or DEFAULT_LANGUAGE,
        text=record.text,
        consultation_id=consultation_id,
        channel_message_id=message_id(file_sha256 or original.sha256, index),
        text_origin=TextOrigin.OCR if record.text else TextOrigin.NONE,
        author_name=record.author_name,
        postcode=record.postcode,
        answers=record.answers,
        closed_answers=closed_answers,
        media=(_media(original), *(_media(e) for e in record.evidence)),
        needs_person_reason=reason,
    )
