"""Residents' data rights and retention: find, erase, and purge what is kept too long."""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from intake import erased
from intake.db import UNAVAILABLE
from intake.hashing import keyed_hash
from intake.models import (
    Attachment,
    Consultation,
    ContactConfirmation,
    Contribution,
    Contributor,
    ConversationState,
    Job,
    SenderQuota,
    Tenant,
    utcnow,
)
from intake.personal import is_personal_evidence, only_personal, without_personal
from intake.references import normalise_reference
from intake.runtime import Runtime
from intake.spool import KEEP_DAYS, Spool
from intake.storage import MediaStore
from intake.tenancy import current_tenant_id, every_tenant

DEFAULT_RETENTION_DAYS = 365
DEFAULT_CONTACT_DAYS = 30
# Callers are known by the hash of the number their calls showed (see channels/voice).
HASHED_AS = {"caller": "phone"}
REASON_MAX = 500


class ErasureError(Exception):
    """An erasure cannot be done as asked (no such contribution, no reason given)."""


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
    personal_fields: int = 0


def find_contributor(session: Session, secret: str, kind: str, address: str) -> Contributor | None:
    """Find a resident by their phone number, Telegram id or e-mail (matched by keyed hash)."""
    return session.scalar(
        select(Contributor).where(
            Contributor.address_kind == kind,
            Contributor.address_hash == keyed_hash(secret, HASHED_AS.get(kind, kind), address),
        )
    )


def typed_key(secret: str, kind: str, address: str) -> tuple[str, str]:
    """Return the kind and keyed hash under which an address typed on a form is held."""
    held_as = HASHED_AS.get(kind, kind)
    return held_as, keyed_hash(secret, held_as, address)


def count_typed(session: Session, secret: str, kind: str, address: str) -> int:
    """Count the forms an address was typed on and is still held for confirmation."""
    held_as, address_hash = typed_key(secret, kind, address)
    return int(
        session.scalar(
            select(func.count(ContactConfirmation.id)).where(
                ContactConfirmation.kind == held_as,
                ContactConfirmation.address_hash == address_hash,
                ContactConfirmation.address.is_not(None),
            )
        )
        or 0
    )


def forget_typed(session: Session, kind: str, address_hash: str) -> int:
    """Remove an address from every form it was typed on and not confirmed; return how many."""
    result = session.execute(
        update(ContactConfirmation)
        .where(
            ContactConfirmation.kind == kind,
            ContactConfirmation.address_hash == address_hash,
            ContactConfirmation.address.is_not(None),
        )
        .values(address=None, secret_hash=None, expires_at=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def _unused_keys(session: Session, keys: Iterable[str]) -> tuple[str, ...]:
    # Identical files share a key: keep a file another contribution still points at, in
    # any municipality (one store serves them all), or that is a municipality's logo.
    session.flush()
    return tuple(
        key
        for key in sorted(set(keys))
        if not session.scalar(
            select(
                or_(
                    exists().where(Attachment.sha256 == key),
                    exists().where(Tenant.logo_key == key),
                )
            ).execution_options(**every_tenant())
        )
    )


def erase_contributions(
    session: Session,
    contribution_ids: Sequence[int],
    *,
    secret: str | None = None,
    keep_jobs: Collection[str] = (),
) -> Erasure:
    """Delete contributions and everything derived from them (the database cascades to
    jobs, messages, notes, tags, text history, theme and contribution links).

    With `secret`, their channel messages are remembered as erased, so that importing the
    same scan again does not bring them back. Jobs of the kinds in `keep_jobs` (clean-ups
    at a provider, see `Plugin.after_erasure`) are kept, no longer tied to the contribution.
    """
    if not contribution_ids:
        return Erasure(0, ())
    # Lock first: a job still writing for one of them finishes before the attachments are
    # listed, so what it added is found and removed too (see intake.erased).
    found = [c for c in (erased.still_there(session, cid) for cid in contribution_ids) if c]
    ids = [c.id for c in found]
    keys = session.scalars(
        select(Attachment.sha256).where(
            Attachment.contribution_id.in_(ids), Attachment.sha256.is_not(None)
        )
    ).all()
    consultations = {c.consultation_id for c in found}
    if secret is not None:
        for contribution in found:
            erased.remember(session, secret, contribution.channel, contribution.channel_message_id)
    if keep_jobs:
        session.execute(
            update(Job)
            .where(Job.contribution_id.in_(ids), Job.kind.in_(sorted(keep_jobs)))
            .values(contribution_id=None)
            .execution_options(synchronize_session=False)
        )
    session.execute(
        delete(Attachment).where(Attachment.contribution_id.in_(ids)),
        execution_options={"synchronize_session": False},
    )
    result = session.execute(
        delete(Contribution).where(Contribution.id.in_(ids)),
        execution_options={"synchronize_session": False},
    )
    session.expire_all()
    for consultation_id in consultations:
        erased.forget_cached(consultation_id)
    return Erasure(result.rowcount or 0, _unused_keys(session, [k for k in keys if k]))


def erase_contribution(
    session: Session,
    reference: str,
    *,
    secret: str,
    reason: str,
    keep_jobs: Collection[str] = (),
) -> tuple[int, Erasure]:
    """Erase one contribution, found by its reference, for a reason staff give.

    Returns its id (for the audit entry, beside the reference and the reason) and what went.
    """
    reason = " ".join(reason.split())
    if not reason:
        raise ErasureError("give the reason for erasing")
    if len(reason) > REASON_MAX:
        raise ErasureError(f"keep the reason under {REASON_MAX} characters")
    stored = normalise_reference(reference)
    contribution_id = (
        session.scalar(select(Contribution.id).where(Contribution.reference == stored))
        if stored
        else None
    )
    if contribution_id is None:
        raise ErasureError(f"no contribution {reference.strip()!r}")
    erasure = erase_contributions(session, [contribution_id], secret=secret, keep_jobs=keep_jobs)
    return contribution_id, erasure


def erase_contributor(
    session: Session,
    contributor_id: int,
    *,
    secret: str | None = None,
    keep_jobs: Collection[str] = (),
    spool: Spool | None = None,
) -> Erasure:
    """Erase a resident: every contribution, original, message, dialogue and their contact,
    and what they sent that waits in `spool` or was set aside there."""
    contributor = session.get(Contributor, contributor_id)
    if contributor is None:
        return Erasure(0, ())
    ids = session.scalars(
        select(Contribution.id).where(Contribution.contributor_id == contributor_id)
    ).all()
    address_hash = contributor.address_hash
    if spool is not None:
        # What they sent while the database was away, waiting or set aside, goes too.
        spool.forget(address_hash)
    erasure = erase_contributions(session, ids, secret=secret, keep_jobs=keep_jobs)
    session.execute(delete(ConversationState).where(ConversationState.key_hash == address_hash))
    # Typed by someone on a form and never confirmed: their address all the same.
    forget_typed(
        session, HASHED_AS.get(contributor.address_kind, contributor.address_kind), address_hash
    )
    session.execute(delete(SenderQuota).where(SenderQuota.key_hash == address_hash))
    session.execute(delete(Contributor).where(Contributor.id == contributor_id))
    session.expire_all()
    return erasure


def purge_spool(runtime: Runtime, *, now: datetime | None = None) -> int:
    """Delete spool entries older than `KEEP_DAYS` (set aside, or refused as long);
    replay first so that nothing the database can take now is lost. Return how many went."""
    with contextlib.suppress(*UNAVAILABLE):
        runtime.replay_spool()
    before = (now or utcnow()) - timedelta(days=KEEP_DAYS)
    return runtime.spool.purge(before.timestamp())


def remove_media(media: MediaStore, keys: Iterable[str]) -> None:
    """Delete originals from the store, once the database no longer points at them."""
    for key in keys:
        media.delete(key)


def _expired_attachments(session: Session, now: datetime) -> list[Attachment]:
    found: list[Attachment] = []
    retention = {c.id: c.retention_days for c in session.scalars(select(Consultation))}
    # Filed under no consultation: the municipality's own rule.
    tenant = session.get(Tenant, current_tenant_id())
    default_days = tenant.retention_days if tenant is not None else DEFAULT_RETENTION_DAYS
    query = (
        select(Attachment, Contribution.consultation_id, Contribution.received_at)
        .join(Contribution, Attachment.contribution_id == Contribution.id)
        .where(Attachment.sha256.is_not(None))
    )
    for attachment, consultation_id, received_at in session.execute(query):
        days = retention.get(consultation_id, default_days)
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
    `contact_days` after the consultation closed, typed addresses nobody confirmed
    `contact_days` after they were typed, addresses that never contributed `contact_days`
    after they were last seen."""
    now = now or utcnow()
    expired = _expired_attachments(session, now)
    keys = [a.sha256 for a in expired if a.sha256]
    for attachment in expired:
        attachment.details = {**attachment.details, "purged_at": now.isoformat()}
        attachment.sha256 = None
    # What a sender sent lately matters only while its day lasts.
    session.execute(delete(SenderQuota).where(SenderQuota.day_start < now - timedelta(days=1)))
    done, live = _closed_consultations(session, now - timedelta(days=contact_days))
    unconfirmed = session.execute(
        update(ContactConfirmation)
        .where(
            ContactConfirmation.address.is_not(None),
            ContactConfirmation.confirmed_at.is_(None),
            ContactConfirmation.created_at < now - timedelta(days=contact_days),
        )
        .values(address=None, secret_hash=None, expires_at=None)
        .execution_options(synchronize_session=False)
    )
    contacts = unconfirmed.rowcount or 0
    # An address that only asked (a STATUS, a mail too large) and never contributed.
    asked_only = session.execute(
        update(Contributor)
        .where(
            Contributor.address.is_not(None),
            Contributor.last_seen_at < now - timedelta(days=contact_days),
            ~exists().where(Contribution.contributor_id == Contributor.id),
        )
        .values(address=None, wants_updates=False)
        .execution_options(synchronize_session=False)
    )
    contacts += asked_only.rowcount or 0
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
        contacts += result.rowcount or 0
        typed = session.execute(
            update(ContactConfirmation)
            .where(
                ContactConfirmation.address.is_not(None),
                ContactConfirmation.contribution_id.in_(
                    select(Contribution.id).where(Contribution.consultation_id.in_(done))
                ),
            )
            .values(address=None, secret_hash=None, expires_at=None)
            .execution_options(synchronize_session=False)
        )
        contacts += typed.rowcount or 0
        session.execute(
            update(Contribution)
            .where(Contribution.consultation_id.in_(done), Contribution.author_name.is_not(None))
            .values(author_name=None)
            .execution_options(synchronize_session=False)
        )
    fields, field_keys = _forget_personal_fields(session, done)
    return Purge(len(expired), contacts, _unused_keys(session, keys + field_keys), fields)


def _forget_personal_fields(session: Session, consultation_ids: list[int]) -> tuple[int, list[str]]:
    """Clear names and contacts kept in answers; delete every image that shows them.

    That is the crops of those fields, the pages as scanned and the scanned files: the page
    images with the name covered stay for review.
    """
    if not consultation_ids:
        return 0, []
    mine = Contribution.consultation_id.in_(consultation_ids)
    cleared = 0
    for contribution in session.scalars(select(Contribution).where(mine)):
        if only_personal(contribution.answers):
            contribution.answers = without_personal(contribution.answers)
            cleared += 1
    crops = [
        attachment
        for attachment in session.scalars(
            select(Attachment)
            .join(Contribution, Attachment.contribution_id == Contribution.id)
            .where(mine)
        )
        if is_personal_evidence(attachment.details)
    ]
    keys = [a.sha256 for a in crops if a.sha256]
    for attachment in crops:
        session.delete(attachment)
    session.flush()
    return cleared, keys
