"""STOP by mail: the signed link in every mail, and recording that an address wants no more."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from channels.email.adapter import EMAIL
from intake.hashing import keyed_hash
from intake.models import Contributor

_SALT = "inspraak.email.stop"


def _signer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=_SALT)


def stop_token(secret: str, address: str) -> str:
    """Sign the address's keyed hash: the link names no one and cannot be made for another."""
    return _signer(secret).dumps(keyed_hash(secret, EMAIL, address))


def address_hash_of(secret: str, token: str) -> str | None:
    """Return the keyed hash a stop link was made for, or None when it is not ours."""
    try:
        value = _signer(secret).loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def stop(session: Session, address_hash: str) -> None:
    """Record STOP for the address: no mail at all, confirmations included; flushes."""
    contributor = session.scalars(
        select(Contributor).where(
            Contributor.address_kind == EMAIL, Contributor.address_hash == address_hash
        )
    ).first()
    if contributor is None:
        # An address only typed, never confirmed: remembered by hash alone, so that no
        # confirmation goes to it again.
        contributor = Contributor(address_kind=EMAIL, address_hash=address_hash)
        session.add(contributor)
    # As with SMS STOP: the address itself and every wish for updates are forgotten.
    contributor.opted_out = True
    contributor.address = None
    contributor.wants_updates = False
    session.flush()
