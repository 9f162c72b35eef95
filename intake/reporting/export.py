"""Export a consultation's contributions as JSON or CSV, with or without personal data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from intake.models import Consultation, Contribution
from intake.personal import is_personal_evidence, without_personal
from intake.reporting import spreadsheet

FIELDS = (
    "reference",
    "consultation",
    "channel",
    "language",
    "status",
    "received_at",
    "text",
    "text_origin",
    "confidence",
    "needs_person",
    "needs_person_reason",
    "postcode",
    "answers",
    "closed_answers",
    "attachments",
)
PERSONAL_COLUMNS = ("author_name", "contact")


def record(contribution: Contribution, slug: str, personal: bool) -> dict[str, Any]:
    """Return one contribution as a plain dict, as exports write it."""
    row: dict[str, Any] = {
        "reference": contribution.reference,
        "consultation": slug,
        "channel": contribution.channel,
        "language": contribution.language,
        "status": contribution.status,
        "received_at": contribution.received_at.isoformat(),
        "text": contribution.text,
        "text_origin": contribution.text_origin,
        "confidence": contribution.confidence,
        "needs_person": contribution.needs_person,
        "needs_person_reason": contribution.needs_person_reason,
        "postcode": contribution.postcode,
        "answers": contribution.answers if personal else without_personal(contribution.answers),
        "closed_answers": [
            {
                "question": a.question.key,
                "version": a.question.version,
                "option": a.option,
                "label": dict(a.question.labels_in("nl"))[a.option],
                "counted": a.superseded_at is None,
                "evidence": a.evidence,
            }
            for a in contribution.closed_answers
        ],
        "attachments": [
            {
                "kind": a.kind,
                "media_type": a.media_type,
                "sha256": a.sha256,
                "size": a.size,
                "duration_seconds": a.duration_seconds,
                "pages": a.pages,
            }
            for a in contribution.attachments
            if personal or not is_personal_evidence(a.details)
        ],
    }
    if personal:
        row["author_name"] = contribution.author_name
        row["contact"] = contribution.contributor.address if contribution.contributor else None
    return row


def rows(
    session: Session, consultation: Consultation, *, personal: bool
) -> Iterator[dict[str, Any]]:
    """Yield every contribution of `consultation` as a plain dict, oldest first."""
    query = (
        select(Contribution)
        .where(Contribution.consultation_id == consultation.id)
        .options(
            selectinload(Contribution.attachments),
            selectinload(Contribution.contributor),
            selectinload(Contribution.closed_answers),
        )
        .order_by(Contribution.received_at, Contribution.id)
        .execution_options(yield_per=500)
    )
    for contribution in session.scalars(query):
        yield record(contribution, consultation.slug, personal)


def to_json(records: Iterator[dict[str, Any]]) -> str:
    """Render records as a JSON list, text exactly as residents wrote it."""
    return json.dumps(list(records), ensure_ascii=False, indent=2) + "\n"


def to_csv(
    records: Iterator[dict[str, Any]],
    *,
    personal: bool,
    separator: str = spreadsheet.DEFAULT_SEPARATOR,
) -> str:
    """Render records as spreadsheet-safe CSV; nested values as JSON."""
    columns = FIELDS + (PERSONAL_COLUMNS if personal else ())

    def lines() -> Iterator[list[Any]]:
        yield list(columns)
        for record in records:
            yield [_flat(record.get(key)) for key in columns]

    return spreadsheet.write(lines(), separator)


def _flat(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value
