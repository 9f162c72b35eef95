"""`receive()`: the one way a contribution enters the queue."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from intake.contacts.held import hold
from intake.db import Executor, dialect_name, insert
from intake.db.prepared import Prepared, bound
from intake.errors import SafeError, describe
from intake.inbound import Inbound, Sender
from intake.jobs import job_row, lane_of, next_rank
from intake.models import (
    Attachment,
    Contribution,
    ContributionStatus,
    Contributor,
    Job,
    JobLane,
    utcnow,
)
from intake.questions import record_answers
from intake.references import new_reference
from intake.tenancy import current_tenant_id
from intake.usage import CONTRIBUTIONS, count

REFERENCE_TRIES = 8


class ReceiveError(SafeError):
    """The inbound cannot become a contribution (e.g. an unknown consultation)."""


@dataclass(frozen=True)
class Receipt:
    """The stored contribution, and whether this call created it or found it from before."""

    id: int
    reference: str
    created: bool
    # The typed address held for confirmation with this contribution, when one came.
    held_contact_id: int | None = None


_EXISTING = Prepared(
    select(Contribution.id, Contribution.reference).where(
        Contribution.channel == bindparam("channel"),
        Contribution.channel_message_id == bindparam("message_id"),
    )
)
# Every column the intake writes; the others keep their database default (NULL).
_CONTRIBUTION_COLUMNS = (
    "reference",
    "consultation_id",
    "contributor_id",
    "channel",
    "channel_message_id",
    "received_at",
    "language",
    "status",
    "text",
    "text_origin",
    "answers",
    "author_name",
    "postcode",
    "needs_person",
    "needs_person_reason",
    "tenant_id",
)


def _existing(session: Executor, inbound: Inbound) -> Receipt | None:
    if inbound.channel_message_id is None:
        return None
    row = _EXISTING.first(
        session, {"channel": inbound.channel, "message_id": inbound.channel_message_id}
    )
    return Receipt(row[0], row[1], created=False) if row else None


@functools.cache
def _upsert_contributor(dialect: str, with_address: bool, wants_updates: bool) -> Prepared:
    # Built once per shape: every SMS, call and chat message runs it.
    table = Contributor.__table__
    now = bindparam("now", type_=table.c.last_seen_at.type)
    changes: dict[str, Any] = {"preferred_language": bindparam("language"), "last_seen_at": now}
    if with_address:
        changes["address"] = bindparam("address")
        changes["address_confirmed"] = True
        # They just wrote from it: an address a bounce or a provider's error gave up on works.
        changes["unreachable"] = False
    if wants_updates:
        changes["wants_updates"] = True
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    statement = (
        insert.values(
            address_kind=bindparam("kind"),
            address_hash=bindparam("hash"),
            address=bindparam("address"),
            preferred_language=bindparam("language"),
            wants_updates=wants_updates,
            opted_out=False,
            unreachable=False,
            address_confirmed=with_address,
            created_at=now,
            last_seen_at=now,
            tenant_id=bindparam("tenant"),
        )
        .on_conflict_do_update(
            index_elements=[table.c.address_kind, table.c.address_hash, table.c.tenant_id],
            set_=changes,
        )
        .returning(table.c.id)
    )
    return Prepared(statement)


def upsert_contributor(session: Executor, sender: Sender, language: str) -> int:
    """Find the resident behind `sender` by keyed hash, or add them; refresh their contact.

    Only a confirmed address is written: anyone can type anyone's number on a form, and
    such an address must never replace, or speak for, the resident it names.
    """
    if sender.needs_confirmation:
        raise ValueError("an unconfirmed address is held for confirmation, not given to a resident")
    statement = _upsert_contributor(
        dialect_name(session), sender.address is not None, sender.wants_updates
    )
    parameters = {
        "kind": sender.kind,
        "hash": sender.address_hash,
        "address": sender.address,
        "language": language,
        "now": utcnow(),
        "tenant": current_tenant_id(),
    }
    return int(statement.scalar(session, parameters))


@functools.cache
def _insert_once(dialect: str) -> Prepared:
    table = Contribution.__table__
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    values = bound(table, _CONTRIBUTION_COLUMNS)
    return Prepared(insert.values(values).on_conflict_do_nothing().returning(table.c.id))


def _insert_contribution(
    session: Executor, inbound: Inbound, contributor_id: int | None
) -> Receipt:
    values = {
        "consultation_id": inbound.consultation_id,
        "contributor_id": contributor_id,
        "channel": inbound.channel,
        "channel_message_id": inbound.channel_message_id,
        "received_at": inbound.received_at or utcnow(),
        "language": inbound.language,
        "status": ContributionStatus.NEW,
        "text": inbound.text,
        "text_origin": inbound.text_origin,
        "answers": dict(inbound.answers),
        "author_name": inbound.author_name,
        "postcode": inbound.postcode,
        "needs_person": inbound.needs_person_reason is not None,
        "needs_person_reason": inbound.needs_person_reason,
        "tenant_id": current_tenant_id(),
    }
    # One statement covers both races: a retried message (same channel message id) and
    # the rare reference drawn twice; only the first inserts, the others get no row back.
    statement = _insert_once(dialect_name(session))
    for _ in range(REFERENCE_TRIES):
        reference = new_reference()
        try:
            new_id = statement.scalar(session, {"reference": reference, **values})
        except IntegrityError as error:
            raise ReceiveError(f"cannot store the contribution: {describe(error)}") from None
        if new_id is not None:
            return Receipt(int(new_id), reference, created=True)
        found = _existing(session, inbound)
        if found is not None:
            return found
    raise ReceiveError("no free reference found")


def receive(session: Executor, inbound: Inbound) -> Receipt:
    """Store `inbound` with its attachments and jobs, once: a repeat returns the first copy.

    A sender's address that nobody confirmed yet (typed on a form) is held apart with
    the contribution, which joins no resident until it is confirmed (see
    `intake.contacts`). Does not commit: the caller's single commit makes the
    contribution and its jobs durable together, or neither.
    """
    sender = inbound.sender
    held = sender if sender is not None and sender.needs_confirmation else None
    contributor_id = (
        upsert_contributor(session, sender, inbound.language)
        if sender is not None and held is None
        else None
    )
    receipt = _insert_contribution(session, inbound, contributor_id)
    if not receipt.created:
        return receipt
    count(session, CONTRIBUTIONS + inbound.channel)
    if held is not None:
        held_id = hold(session, receipt.id, held, inbound.language)
        receipt = Receipt(receipt.id, receipt.reference, True, held_contact_id=held_id)
    record_answers(session, receipt.id, contributor_id, inbound.closed_answers)
    if inbound.media:
        session.execute(
            insert(session, Attachment),
            [
                {
                    "contribution_id": receipt.id,
                    "kind": m.kind,
                    "media_type": m.media_type,
                    "sha256": m.sha256,
                    "size": m.size,
                    "duration_seconds": m.duration_seconds,
                    "pages": m.pages,
                    "details": dict(m.details),
                }
                for m in inbound.media
            ],
        )
    if inbound.jobs:
        session.execute(insert(session, Job), _job_rows(session, inbound, receipt, contributor_id))
    return receipt


def _job_rows(
    session: Executor, inbound: Inbound, receipt: Receipt, contributor_id: int | None
) -> list[dict[str, Any]]:
    # Several heavy jobs of one message (an MMS with photos) queue one behind the other.
    heavy = any(lane_of(request.kind) is JobLane.HEAVY for request in inbound.jobs)
    rank = next_rank(session, contributor_id) if heavy else 0
    rows = []
    for request in inbound.jobs:
        columns = job_row(session, request.kind, contributor_id, rank)
        if columns["lane"] is JobLane.HEAVY:
            rank += 1
        rows.append(
            {
                "kind": request.kind,
                "payload": {**request.payload, "contribution_id": receipt.id},
                "contribution_id": receipt.id,
                **columns,
            }
        )
    return rows
