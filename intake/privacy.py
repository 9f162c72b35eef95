"""Residents' data rights and retention: find, erase, and purge what is kept too long."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from intake.hashing import keyed_hash
from intake.models import (
    Attachment,
    Consultation,
    Contribution,
    Contributor,
    ConversationState,
    SenderQuota,
    utcnow,
)
from intake.storage import MediaStore

DEFAULT_RETENTION_DAYS = 365
DEFAULT_CONTACT_DAYS = 30


@dataclass(frozen=True)
class Erasure:
    """What an erasure removed; `media_keys` are deleted from the store after the commit."""

    contributions: int
    media_keys: tuple[str, ...]


@dataclass(frozen=True)
class Purge:
    """What a retention run removed; `media_keys` are deleted from the store after the commit."""

    attachments: int
    contacts: int
    media_keys: tuple[str, ...]


def find_contributor(session: Session, secret: str, kind: str, address: str) -> Contributor | None:
    """Find a resident by their phone number, Telegram id or e-mail (matched by keyed hash)."""
    return session.scalar(
        select(Contributor).where(
            Contributor.address_kind == kind,
            Contributor.address_hash == keyed_hash(secret, kind, address),
        )
    )


def _unused_keys(session: Session, keys: Iterable[str]) -> tuple[str, ...]:
    # Identical files share a key: keep a file another contribution still points at.
    session.flush()
    return tuple(
        key
        for key in sorted(set(keys))
        if not session.scalar(select(exists().where(Attachment.sha256 == key)))
    )


def erase_contributions(session: Session, contribution_ids: Sequence[int]) -> Erasure:
    """Delete contributions with their attachments, jobs, messages and review notes."""
    if not contribution_ids:
        return Erasure(0, ())
    keys = session.scalars(
        select(Attachment.sha256).where(
            Attachment.contribution_id.in_(contribution_ids), Attachment.sha256.is_not(None)
        )
    ).all()
    session.execute(
        delete(Attachment).where(Attachment.contribution_id.in_(contribution_ids)),
        execution_options={"synchronize_session": False},
    )
    result = session.execute(
        delete(Contribution).where(Contribution.id.in_(contribution_ids)),
        execution_options={"synchronize_session": False},
    )
    session.expire_all()
    return Erasure(result.rowcount or 0, _unused_keys(session, [k for k in keys if k]))


def erase_contributor(session: Session, contributor_id: int) -> Erasure:
    """Erase a resident: every contribution, original, message, dialogue and their contact."""
    contributor = session.get(Contributor, contributor_id)
    if contributor is None:
        return Erasure(0, ())
    ids = session.scalars(
        select(Contribution.id).where(Contribution.contributor_id == contributor_id)
    ).all()
    address_hash = contributor.address_hash
    erasure = erase_contributions(session, ids)
    session.execute(delete(ConversationState).where(ConversationState.key_hash == address_hash))
    session.execute(delete(SenderQuota).where(SenderQuota.key_hash == address_hash))
    session.execute(delete(Contributor).where(Contributor.id == contributor_id))
    session.expire_all()
    return erasure


def remove_media(media: MediaStore, keys: Iterable[str]) -> None:
    """Delete originals from the store, once the database no longer points at them."""
    for key in keys:
        media.delete(key)


def remove_unused_media(session: Session, media: MediaStore, keys: Iterable[str]) -> None:
    """Delete originals no attachment points at (downloaded for a contribution since erased)."""
    remove_media(media, _unused_keys(session, keys))


def _expired_attachments(session: Session, now: datetime) -> list[Attachment]:
    found: list[Attachment] = []
    retention = {c.id: c.retention_days for c in session.scalars(select(Consultation))}
    query = (
        select(Attachment, Contribution.consultation_id, Contribution.received_at)
        .join(Contribution, Attachment.contribution_id == Contribution.id)
        .where(Attachment.sha256.is_not(None))
    )
    for attachment, consultation_id, received_at in session.execute(query):
        days = retention.get(consultation_id, DEFAULT_RETENTION_DAYS)
        if received_at < now - timedelta(days=days):
            found.append(attachment)
    return found


def _closed_consultations(session: Session, cutoff: datetime) -> tuple[list[int], list[int]]:
    done, live = [], []
    for consultation in session.scalars(select(Consultation)):
        closed = consultation.closes_at is not None and consultation.closes_at < cutoff
        (done if closed else live).append(consultation.id)
    return done, live


def purge(
    session: Session, *, now: datetime | None = None, contact_days: int = DEFAULT_CONTACT_DAYS
) -> Purge:
    """Apply retention: originals after the consultation's retention days, contact details
    `contact_days` after the consultation closed."""
    now = now or utcnow()
    expired = _expired_attachments(session, now)
    keys = [a.sha256 for a in expired if a.sha256]
    for attachment in expired:
        attachment.details = {**attachment.details, "purged_at": now.isoformat()}
        attachment.sha256 = None
    # What a sender sent lately matters only while its day lasts.
    session.execute(delete(SenderQuota).where(SenderQuota.day_start < now - timedelta(days=1)))
    done, live = _closed_consultations(session, now - timedelta(days=contact_days))
    contacts = 0
    if done:
        still_live = exists().where(
            Contribution.contributor_id == Contributor.id,
            Contribution.consultation_id.in_(live),
        )
        in_done = exists().where(
            Contribution.contributor_id == Contributor.id,
            Contribution.consultation_id.in_(done),
        )
        result = session.execute(
            update(Contributor)
            .where(in_done, ~still_live, Contributor.address.is_not(None))
            .values(address=None, wants_updates=False)
            .execution_options(synchronize_session=False)
        )
        contacts = result.rowcount or 0
        session.execute(
            update(Contribution)
            .where(Contribution.consultation_id.in_(done), Contribution.author_name.is_not(None))
            .values(author_name=None)
            .execution_options(synchronize_session=False)
        )
    return Purge(len(expired), contacts, _unused_keys(session, keys))
