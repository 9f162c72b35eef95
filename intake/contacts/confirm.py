"""Accepting a typed code or a followed link, and only then joining the resident.

Once confirmed, the contribution joins the resident behind the address (who may have
texted before), and replies and updates may follow. Every typed code counts, a code takes
a few wrong ones, and a code or link confirms once.
"""

from __future__ import annotations

import enum
import hmac

from sqlalchemy import select, update

from intake.contacts.held import MOST_ATTEMPTS, code_hash, link_hash, silenced
from intake.db import Executor
from intake.inbound import Sender
from intake.models import ContactConfirmation, Contribution, utcnow
from intake.receive import upsert_contributor

_table = ContactConfirmation.__table__


class Check(enum.StrEnum):
    """What came of a typed code or a followed link."""

    CONFIRMED = "confirmed"
    WRONG = "wrong"
    USED_UP = "used_up"
    SILENCED = "silenced"


def _join(session: Executor, contact_id: int) -> None:
    """Give the confirmed address to its resident, and the contribution to them."""
    row = session.execute(
        select(
            _table.c.kind,
            _table.c.address_hash,
            _table.c.address,
            _table.c.language,
            _table.c.wants_updates,
            _table.c.contribution_id,
        ).where(_table.c.id == contact_id)
    ).one()
    sender = Sender(
        kind=row.kind,
        address_hash=row.address_hash,
        address=row.address,
        wants_updates=row.wants_updates,
        confirmed=True,
    )
    contributor_id = upsert_contributor(session, sender, row.language)
    contributions = Contribution.__table__
    session.execute(
        update(contributions)
        .where(contributions.c.id == row.contribution_id)
        .values(contributor_id=contributor_id)
    )
    # The resident keeps the address now; one copy is enough.
    session.execute(update(_table).where(_table.c.id == contact_id).values(address=None))


def _use(session: Executor, contact_id: int, secret_hash: str) -> Check:
    """Confirm once: a code or link used at the same moment elsewhere confirms only there."""
    row = session.execute(
        select(_table.c.kind, _table.c.address_hash, _table.c.address).where(
            _table.c.id == contact_id
        )
    ).one()
    if row.address is None:
        return Check.USED_UP
    # Whoever has the code owns the number; still, a STOP stands until they send START.
    if silenced(session, row.kind, row.address_hash):
        return Check.SILENCED
    used = session.execute(
        update(_table)
        .where(
            _table.c.id == contact_id,
            _table.c.secret_hash == secret_hash,
            _table.c.confirmed_at.is_(None),
        )
        .values(confirmed_at=utcnow(), secret_hash=None, expires_at=None)
        .returning(_table.c.id)
    ).first()
    if used is None:
        return Check.USED_UP
    _join(session, contact_id)
    return Check.CONFIRMED


def check_code(session: Executor, contact_id: int, code: str, secret: str) -> Check:
    """Check a typed code; every try counts, and a code takes MOST_ATTEMPTS wrong ones."""
    code = "".join(c for c in code if c.isdigit())
    # One statement counts the try and reads the code, so tries made at once all count.
    row = session.execute(
        update(_table)
        .where(
            _table.c.id == contact_id,
            _table.c.kind == "phone",
            _table.c.confirmed_at.is_(None),
            _table.c.secret_hash.is_not(None),
            _table.c.expires_at > utcnow(),
            _table.c.attempts < MOST_ATTEMPTS,
        )
        .values(attempts=_table.c.attempts + 1)
        .returning(_table.c.secret_hash, _table.c.attempts)
    ).first()
    if row is None:
        return Check.USED_UP
    expected, attempts = row
    if not hmac.compare_digest(expected, code_hash(secret, contact_id, code)):
        return Check.WRONG if attempts < MOST_ATTEMPTS else Check.USED_UP
    return _use(session, contact_id, expected)


def find_link(session: Executor, token: str, secret: str) -> int | None:
    """Return the confirmation a link belongs to while it may still be used, else None."""
    found = session.execute(
        select(_table.c.id).where(
            _table.c.secret_hash == link_hash(secret, token),
            _table.c.kind == "email",
            _table.c.confirmed_at.is_(None),
            _table.c.expires_at > utcnow(),
        )
    ).scalar()
    return int(found) if found is not None else None


def follow_link(session: Executor, token: str, secret: str) -> tuple[Check, int | None]:
    """Confirm the address a link was sent to; a link works once, and not after it expired.

    Returns what came of it and the id of the contribution the address came with.
    """
    contact_id = find_link(session, token, secret)
    if contact_id is None:
        return Check.USED_UP, None
    contribution_id = session.execute(
        select(_table.c.contribution_id).where(_table.c.id == contact_id)
    ).scalar()
    return _use(session, contact_id, link_hash(secret, token)), contribution_id
