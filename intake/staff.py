"""Staff accounts: create and change them, their grants, check their passwords (argon2)."""

from __future__ import annotations

import functools
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from intake.models import AuditEvent, Consultation, Role, StaffGrant, StaffSession, StaffUser
from intake.tenancy import DEFAULT_TENANT_ID, current_tenant_id

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 12
# Stored instead of a hash for accounts that sign in only at the OpenID provider:
# argon2 cannot read it, so no password ever opens them.
NO_PASSWORD = "!external"
_hasher = PasswordHasher()


class StaffError(Exception):
    """A staff account cannot be created as asked; the message says why."""


# The roles a municipality gives its staff; the platform role is the installation's.
MUNICIPAL_ROLES = (Role.ADMIN, Role.MODERATOR, Role.VIEWER)


def _check_role(role: str) -> None:
    if role == Role.PLATFORM:
        if current_tenant_id() != DEFAULT_TENANT_ID:
            raise StaffError("a platform account belongs to the installation's own tenant")
    elif role not in MUNICIPAL_ROLES:
        raise StaffError("role must be admin, moderator, viewer or platform")


def create_user(session: Session, email: str, role: str, password: str) -> StaffUser:
    """Add a staff account with an argon2 password hash; flush and audit, no commit."""
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise StaffError("that is not an e-mail address")
    _check_role(role)
    _check_length(password)
    if session.scalar(select(StaffUser.id).where(StaffUser.email == email)):
        raise StaffError("a staff account with that e-mail address exists")
    user = StaffUser(email=email, role=role, password_hash=_hasher.hash(password))
    session.add(user)
    session.flush()
    if role in (Role.MODERATOR, Role.VIEWER):
        session.add(StaffGrant(staff_user_id=user.id, consultation_id=None, role=role))
    session.add(
        AuditEvent(
            action="user.create",
            target_type="staff_user",
            target_id=user.id,
            details={"role": role},
        )
    )
    return user


def _check_length(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise StaffError(f"the password must be at least {MIN_PASSWORD} characters long")


def check_password(user: StaffUser, password: str) -> bool:
    """Tell whether `password` is the user's (constant-time, via argon2)."""
    return _verify(user.password_hash, password)


@functools.cache
def _stand_in_hash() -> str:
    # A hash of nobody's password, made with the same parameters as the real ones.
    return _hasher.hash(secrets.token_urlsafe(24))


def check_sign_in(user: StaffUser | None, password: str) -> bool:
    """Tell whether `password` opens `user`'s account, spending argon2's time either way.

    An unknown address is checked against a stand-in hash, so how long the answer takes
    does not tell which addresses have an account; a switched-off account likewise.
    """
    if user is None:
        _verify(_stand_in_hash(), password)
        return False
    matches = _verify(user.password_hash, password)
    return matches and user.active


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def refresh_hash(user: StaffUser, password: str) -> None:
    """Hash a just-verified password again when the hasher's parameters have grown."""
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)


def end_sessions(session: Session, user_id: int, keep: int | None = None) -> int:
    """End every signed-in session of an account (but `keep`); return how many ended."""
    statement = delete(StaffSession).where(StaffSession.staff_user_id == user_id)
    if keep is not None:
        statement = statement.where(StaffSession.id != keep)
    return session.execute(statement).rowcount or 0


def set_password(session: Session, user: StaffUser, password: str) -> int:
    """Give `user` a new password and end all their sessions; return how many ended."""
    _check_length(password)
    user.password_hash = _hasher.hash(password)
    session.flush()
    return end_sessions(session, user.id)


def change_access(session: Session, user: StaffUser, role: str, active: bool) -> int:
    """Change a role or switch an account on or off; a change ends all their sessions."""
    _check_role(role)
    if role == user.role and active == user.active:
        return 0
    if role != user.role:
        # One role for all consultations; grants per consultation are set one by one.
        wanted = set() if role in (Role.ADMIN, Role.PLATFORM) else {(None, role)}
        set_grants(session, user, wanted)
    user.role, user.active = role, active
    session.flush()
    return end_sessions(session, user.id)


Grant = tuple[int | None, str]


def grants_of(session: Session, user_id: int) -> list[StaffGrant]:
    """Return an account's grants, the one for all consultations first."""
    return list(
        session.scalars(
            select(StaffGrant)
            .where(StaffGrant.staff_user_id == user_id)
            .order_by(StaffGrant.consultation_id.is_not(None), StaffGrant.consultation_id)
        )
    )


def _best(grants: set[Grant]) -> str:
    return Role.MODERATOR if any(role == Role.MODERATOR for _c, role in grants) else Role.VIEWER


def set_grants(session: Session, user: StaffUser, wanted: set[Grant]) -> dict[str, list[Grant]]:
    """Make an account's grants exactly `wanted`; return what was added and removed.

    The account's role becomes the highest role granted (admins stay admins).
    """
    for consultation_id, role in wanted:
        if role not in (Role.MODERATOR, Role.VIEWER):
            raise StaffError("a grant is for a moderator or a viewer")
        if consultation_id is not None and session.get(Consultation, consultation_id) is None:
            raise StaffError("no such consultation")
    existing = {(g.consultation_id, g.role): g for g in grants_of(session, user.id)}
    removed = [key for key in existing if key not in wanted]
    added = sorted((key for key in wanted if key not in existing), key=str)
    for key in removed:
        session.delete(existing[key])
    session.flush()
    for consultation_id, role in added:
        session.add(StaffGrant(staff_user_id=user.id, consultation_id=consultation_id, role=role))
    if user.role != Role.ADMIN:
        user.role = _best(wanted)
    session.flush()
    return {"added": added, "removed": removed}


def grant(session: Session, user: StaffUser, consultation_id: int | None, role: str) -> None:
    """Give an account a role in one consultation (or all), replacing its role there."""
    current = {(g.consultation_id, g.role) for g in grants_of(session, user.id)}
    kept = {key for key in current if key[0] != consultation_id}
    set_grants(session, user, kept | {(consultation_id, role)})


def revoke(session: Session, user: StaffUser, grant_id: int) -> Grant | None:
    """Take one grant from an account; return what it was (None when there was none)."""
    found = session.get(StaffGrant, grant_id)
    if found is None or found.staff_user_id != user.id:
        return None
    gone = (found.consultation_id, found.role)
    rest = {(g.consultation_id, g.role) for g in grants_of(session, user.id) if g.id != grant_id}
    set_grants(session, user, rest)
    return gone
