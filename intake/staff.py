"""Staff accounts: create them and check their passwords (argon2)."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.models import AuditEvent, Role, StaffUser

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 12
_hasher = PasswordHasher()


class StaffError(Exception):
    """A staff account cannot be created as asked; the message says why."""


def create_user(session: Session, email: str, role: str, password: str) -> StaffUser:
    """Add a staff account with an argon2 password hash; flush and audit, no commit."""
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise StaffError("that is not an e-mail address")
    if role not in set(Role):
        raise StaffError("role must be admin, moderator or viewer")
    if len(password) < MIN_PASSWORD:
        raise StaffError(f"the password must be at least {MIN_PASSWORD} characters long")
    if session.scalar(select(StaffUser.id).where(StaffUser.email == email)):
        raise StaffError("a staff account with that e-mail address exists")
    user = StaffUser(email=email, role=role, password_hash=_hasher.hash(password))
    session.add(user)
    session.flush()
    session.add(
        AuditEvent(
            action="user.create",
            target_type="staff_user",
            target_id=user.id,
            details={"role": role},
        )
    )
    return user


def check_password(user: StaffUser, password: str) -> bool:
    """Tell whether `password` is the user's (constant-time, via argon2)."""
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
