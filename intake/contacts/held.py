"""Holding a typed address apart from the residents until it is confirmed."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from hashlib import sha256

from sqlalchemy import select

from intake.db import Executor, insert
from intake.inbound import Sender
from intake.models import ContactConfirmation, Contributor, utcnow

# Wrong codes one code may take; then only a new code helps.
MOST_ATTEMPTS = 5
_table = ContactConfirmation.__table__


def hold(session: Executor, contribution_id: int, sender: Sender, language: str) -> int:
    """Keep `sender`'s typed address with its contribution, unconfirmed; return its id."""
    statement = (
        insert(session, ContactConfirmation)
        .values(
            contribution_id=contribution_id,
            kind=sender.kind,
            address_hash=sender.address_hash,
            address=sender.address,
            language=language,
            wants_updates=sender.wants_updates,
            attempts=0,
            sends=0,
            created_at=utcnow(),
        )
        .returning(_table.c.id)
    )
    return int(session.execute(statement).scalar_one())


@dataclass(frozen=True)
class Progress:
    """Where the confirmation of one contribution's typed address stands."""

    id: int
    kind: str
    address: str | None
    confirmed: bool
    waiting: bool
    sends: int
    expires_at: datetime | None

    @property
    def usable(self) -> bool:
        """Tell whether a confirmation can still be asked for (the address is kept)."""
        return not self.confirmed and self.address is not None


def progress(session: Executor, contribution_id: int) -> Progress | None:
    """Return the confirmation of a contribution's typed address, or None when none was typed."""
    row = session.execute(
        select(
            _table.c.id,
            _table.c.kind,
            _table.c.address,
            _table.c.confirmed_at,
            _table.c.secret_hash,
            _table.c.expires_at,
            _table.c.attempts,
            _table.c.sends,
        ).where(_table.c.contribution_id == contribution_id)
    ).first()
    if row is None:
        return None
    # A code is out from the moment it is asked for: the worker makes and sends it soon.
    waiting = (
        row.confirmed_at is None
        and row.expires_at is not None
        and row.expires_at > utcnow()
        and row.attempts < MOST_ATTEMPTS
    )
    return Progress(
        id=row.id,
        kind=row.kind,
        address=row.address,
        confirmed=row.confirmed_at is not None,
        waiting=waiting,
        sends=row.sends,
        expires_at=row.expires_at,
    )


def code_hash(secret: str, contact_id: int, code: str) -> str:
    """Return the keyed hash a code is kept as: a copy of the database does not reveal it."""
    return _keyed(secret, f"code:{contact_id}:{code}")


def link_hash(secret: str, token: str) -> str:
    """Return the keyed hash a link's token is kept as."""
    return _keyed(secret, f"link:{token}")


def _keyed(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), sha256).hexdigest()


def silenced(session: Executor, kind: str, address_hash: str) -> bool:
    """Tell whether the address's owner asked for no messages (STOP), or cannot get any."""
    row = session.execute(
        select(Contributor.opted_out, Contributor.unreachable).where(
            Contributor.address_kind == kind, Contributor.address_hash == address_hash
        )
    ).first()
    return row is not None and (bool(row[0]) or bool(row[1]))
