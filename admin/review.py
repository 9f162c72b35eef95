"""Review services: correct the text, tag, set the status, link duplicates, note, assign."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from admin.audit import record
from intake.i18n import gettext as _
from intake.models import (
    Consultation,
    Contribution,
    ContributionStatus,
    ContributionTag,
    ReviewNote,
    ReviewState,
    StaffUser,
    Tag,
    TextOrigin,
    TextRevision,
    utcnow,
)
from intake.references import normalise_reference

MAX_TAGS = 20


class ReviewError(Exception):
    """A review change cannot be made as asked; the message (translated) says why."""


def review_state(session: Session, contribution_id: int) -> ReviewState:
    """Return a contribution's review state, adding an empty one the first time."""
    state = session.get(ReviewState, contribution_id)
    if state is None:
        state = ReviewState(contribution_id=contribution_id)
        session.add(state)
    return state


def correct_text(session: Session, contribution: Contribution, text: str, actor_id: int) -> bool:
    """Replace the text, keeping the one before in the history; False when unchanged."""
    text = text.strip()
    if text == contribution.text.strip():
        return False
    session.add(
        TextRevision(
            contribution_id=contribution.id,
            text=contribution.text,
            text_origin=contribution.text_origin,
            confidence=contribution.confidence,
            replaced_by_id=actor_id,
        )
    )
    contribution.text = text
    contribution.text_origin = TextOrigin.CORRECTED
    record(session, "contribution.correct", "contribution", contribution.id)
    return True


def history(session: Session, contribution_id: int) -> list[TextRevision]:
    """Return the texts a contribution had before, oldest first."""
    return list(
        session.scalars(
            select(TextRevision)
            .where(TextRevision.contribution_id == contribution_id)
            .order_by(TextRevision.id)
        )
    )


def set_tags(session: Session, contribution_id: int, names: list[str]) -> list[str]:
    """Give a contribution exactly these tags (lowercase, created when new)."""
    wanted = sorted({n.strip().lower()[:64] for n in names if n.strip()})[:MAX_TAGS]
    existing = {t.name: t for t in session.scalars(select(Tag).where(Tag.name.in_(wanted)))}
    for name in wanted:
        if name not in existing:
            existing[name] = Tag(name=name)
            session.add(existing[name])
    session.flush()
    session.execute(
        delete(ContributionTag).where(ContributionTag.contribution_id == contribution_id)
    )
    session.add_all(
        ContributionTag(contribution_id=contribution_id, tag_id=existing[name].id)
        for name in wanted
    )
    record(session, "contribution.tags", "contribution", contribution_id, tags=wanted)
    return wanted


def tags_of(session: Session, contribution_id: int) -> list[str]:
    """Return a contribution's tag names in order."""
    return list(
        session.scalars(
            select(Tag.name)
            .join(ContributionTag, ContributionTag.tag_id == Tag.id)
            .where(ContributionTag.contribution_id == contribution_id)
            .order_by(Tag.name)
        )
    )


def set_status(
    session: Session,
    contribution: Contribution,
    status: str,
    reason: str,
    duplicate_of: str = "",
) -> bool:
    """Change the status with a reason; a duplicate names the contribution it repeats."""
    if status not in set(ContributionStatus):
        raise ReviewError(_("Kies een geldige status."))
    state = review_state(session, contribution.id)
    if status == ContributionStatus.DUPLICATE:
        reference = normalise_reference(duplicate_of)
        original = (
            session.scalar(select(Contribution).where(Contribution.reference == reference))
            if reference
            else None
        )
        if original is None or original.id == contribution.id:
            raise ReviewError(_("Geef de code van de bijdrage waarvan dit een dubbel is."))
        state.duplicate_of_id = original.id
    else:
        state.duplicate_of_id = None
    before = contribution.status
    state.status_reason = reason.strip()[:500] or None
    state.updated_at = utcnow()
    contribution.status = status
    if before != status and status != ContributionStatus.NEW:
        contribution.needs_person = False
    record(
        session, "contribution.status", "contribution", contribution.id, before=before, after=status
    )
    return before != status


def add_note(session: Session, contribution_id: int, body: str, author_id: int) -> None:
    """Leave a note for colleagues."""
    body = body.strip()
    if body:
        session.add(
            ReviewNote(contribution_id=contribution_id, body=body[:5000], author_id=author_id)
        )


def notes(session: Session, contribution_id: int) -> list[ReviewNote]:
    """Return the notes on a contribution, oldest first."""
    return list(
        session.scalars(
            select(ReviewNote)
            .where(ReviewNote.contribution_id == contribution_id)
            .order_by(ReviewNote.id)
        )
    )


def assign(session: Session, contribution_id: int, staff_id: int | None) -> None:
    """Give a contribution to a colleague (or to nobody)."""
    if staff_id is not None:
        user = session.get(StaffUser, staff_id)
        if user is None or not user.active:
            staff_id = None
    review_state(session, contribution_id).assigned_to_id = staff_id
    record(session, "contribution.assign", "contribution", contribution_id, to=staff_id)


def move_to_consultation(
    session: Session, contribution: Contribution, consultation_id: int | None
) -> bool:
    """File a contribution under a consultation (a letter without a form's QR code, say)."""
    if consultation_id is None or session.get(Consultation, consultation_id) is None:
        return False
    previous = contribution.consultation_id
    contribution.consultation_id = consultation_id
    record(
        session,
        "contribution.consultation",
        "contribution",
        contribution.id,
        previous=previous,
        to=consultation_id,
    )
    return True
