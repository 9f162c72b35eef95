"""Turn what a scan read into what a contribution keeps: text, answers and evidence."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from intake.evidence import AnswerEvidence, FieldCrop, FieldReading
from intake.inbound import GivenAnswer
from ocr.reader import FieldResult, FormRead
from ocr.reader.result import NO_QR

ANSWER_FIELD = "answer"
SCAN_KIND = "scan"
CROP_KIND = "crop"
ARCHIVE_KIND = "archive"
# A page image as scanned, name and all: personal, shown only in the audited view. Beside
# it the page's `scan` has the name painted over, for everyone who reviews the text.
NAMED_PAGE_KIND = "named_page"
# Stores bytes in the media store and returns their sha256 key and size.
Put = Callable[[bytes], tuple[str, int]]


@dataclass(frozen=True)
class Evidence:
    """One image or document to attach, already in the media store."""

    kind: str
    media_type: str
    sha256: str
    size: int
    pages: int | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FormRecord:
    """One form as a contribution keeps it, whatever channel brought the scan in."""

    slug: str | None
    language: str | None
    text: str
    confidence: float | None
    answers: dict[str, Any]
    author_name: str | None
    postcode: str | None
    reasons: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    # The closed questions answered with one clearly ticked box each.
    closed_answers: tuple[GivenAnswer, ...] = ()

    @property
    def names_someone(self) -> bool:
        """Tell whether the form's pages show a resident's name (kept as personal pages)."""
        return any(e.kind == NAMED_PAGE_KIND for e in self.evidence)

    @property
    def reason(self) -> str | None:
        """Return the first reason a person should look, or None."""
        return self.reasons[0] if self.reasons else None


def _field_answer(result: FieldResult, crop: str | None) -> dict[str, Any]:
    return FieldReading(
        kind=result.kind,
        text=result.text,
        confidence=result.confidence,
        checked=result.checked,
        unsure=result.unsure,
        crop=crop,
        personal=result.personal,
        box=result.box,
    ).to_json()


def form_record(form: FormRead, put: Put, *, archive: Evidence | None = None) -> FormRecord:
    """Store a form's page images and field crops with `put` and describe the form."""
    evidence: list[Evidence] = []
    crops: dict[str, str] = {}
    for number, page in enumerate(form.pages, start=1):
        where = {"page": number, "index": page.index}
        if page.covered_jpeg is not None:
            sha, size = put(page.covered_jpeg)
            covered = {**where, "covered": True}
            evidence.append(Evidence(SCAN_KIND, "image/jpeg", sha, size, 1, covered))
            sha, size = put(page.image_jpeg)
            named = {**where, "personal": True}
            evidence.append(Evidence(NAMED_PAGE_KIND, "image/jpeg", sha, size, 1, named))
        else:
            sha, size = put(page.image_jpeg)
            evidence.append(Evidence(SCAN_KIND, "image/jpeg", sha, size, 1, where))
        for name, result in page.fields.items():
            sha, size = put(result.crop_png)
            crops.setdefault(name, sha)
            details = FieldCrop(
                field=name,
                page=number,
                text=result.text,
                checked=result.checked,
                personal=result.personal,
                box=result.box,
                confidence=result.confidence,
            ).to_json()
            evidence.append(Evidence(CROP_KIND, "image/png", sha, size, None, details))
    if archive is not None:
        evidence.append(archive)
    fields = form.fields
    answer = fields.get(ANSWER_FIELD)
    if answer is not None:
        text, confidence = answer.text, round(answer.confidence, 4)
    else:
        text, confidence = form.text.replace("\f", "\n\n").strip(), None
    qr = form.qr
    reasons = list(form.reasons)
    if qr is None and NO_QR not in reasons:
        reasons.insert(0, NO_QR)
    answers: dict[str, Any] = {
        "fields": {name: _field_answer(r, crops.get(name)) for name, r in fields.items()},
        "reasons": reasons,
    }
    if qr is not None:
        answers["form"] = {
            "slug": qr.slug,
            "version": qr.version,
            "language": qr.language,
            "large_print": qr.large_print,
        }
    return FormRecord(
        slug=qr.slug if qr else None,
        language=qr.language if qr else None,
        text=text,
        confidence=confidence,
        answers=answers,
        author_name=_letters(fields.get("name")),
        postcode=_letters(fields.get("postcode"), limit=12),
        reasons=tuple(reasons),
        evidence=tuple(evidence),
        closed_answers=tuple(_closed_answers(fields, crops)),
    )


def _closed_answers(fields: dict[str, FieldResult], crops: dict[str, str]) -> list[GivenAnswer]:
    """Return each closed question's answer with its box's evidence, where one box is ticked."""
    given = []
    for name, result in fields.items():
        ticked = result.ticked
        if result.choice is None or ticked is None:
            continue
        evidence = AnswerEvidence(
            source="paper",
            crop=crops.get(name),
            fill_ratio=ticked.fill_ratio,
            confidence=result.confidence,
        )
        given.append(GivenAnswer(result.choice.question_id, ticked.option, evidence))
    return given


def _letters(result: FieldResult | None, limit: int = 120) -> str | None:
    if result is None:
        return None
    text = " ".join(result.text.split())
    return text[:limit] or None


def archive_evidence(data: bytes, pages: int, put: Put, *, personal: bool = False) -> Evidence:
    """Store the searchable PDF/A copy of a scanned file (personal when it shows a name)."""
    sha, size = put(data)
    return personal_if(Evidence(ARCHIVE_KIND, "application/pdf", sha, size, pages), personal)


def personal_if(evidence: Evidence, personal: bool) -> Evidence:
    """Mark a whole-page original as personal when a page of it shows a resident's name."""
    if not personal:
        return evidence
    return replace(evidence, details={**evidence.details, "personal": True})
