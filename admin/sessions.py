"""Staff sessions on the server: the browser holds a random token, the table its hash.

A stolen cookie is worth nothing once the session ends: on sign-out, a password change,
a role change or a switched-off account (see `intake.staff.end_sessions`), after 30
minutes without activity, and 12 hours after signing in whatever happens.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, g, request
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from intake.db import Database, Executor
from intake.models import StaffSession, StaffUser, utcnow

IDLE = timedelta(minutes=30)
LIFETIME = timedelta(hours=12)
# Remembering every request's time would make each page view a write.
TOUCH_AFTER = timedelta(minutes=1)
COOKIE = "inspraak_staff"


@dataclass(frozen=True)
class Current:
    """The session a request came with, and whose it is."""

    id: int
    user: StaffUser
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime

    def ended(self, now: datetime) -> bool:
        """Tell whether the session ran out: idle too long, or past its lifetime."""
        return now - self.last_seen_at > IDLE or now >= self.expires_at


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, user_id: int) -> tuple[str, int]:
    """Open a session for `user_id`; return its token (for the cookie only) and its id."""
    now = utcnow()
    # Sign-ins are rare: a good moment to forget sessions that ran out.
    session.execute(
        delete(StaffSession).where(
            or_(StaffSession.expires_at <= now, StaffSession.last_seen_at < now - IDLE)
        )
    )
    token = secrets.token_urlsafe(32)
    record = StaffSession(
        token_hash=_digest(token),
        staff_user_id=user_id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + LIFETIME,
    )
    session.add(record)
    session.flush()
    return token, record.id


def find(db: Database, token: str) -> Current | None:
    """Return the session this token opens, if it still exists."""
    # A reading session of its own: a POST's writing session must not begin (and take
    # SQLite's write lock) before the view does.
    with db.session(write=False) as session:
        row = session.execute(
            select(StaffSession, StaffUser)
            .join(StaffUser, StaffSession.staff_user_id == StaffUser.id)
            .where(StaffSession.token_hash == _digest(token))
        ).one_or_none()
    if row is None:
        return None
    record, user = row
    return Current(record.id, user, record.created_at, record.last_seen_at, record.expires_at)


def touch(db: Database, current: Current, now: datetime) -> None:
    """Note that the session is in use, at most once a minute."""
    if now - current.last_seen_at < TOUCH_AFTER:
        return
    db.write(
        lambda connection: connection.execute(
            update(StaffSession).where(StaffSession.id == current.id).values(last_seen_at=now)
        )
    )


def end(session: Executor, session_id: int) -> None:
    """End one session."""
    session.execute(delete(StaffSession).where(StaffSession.id == session_id))


def of_user(session: Session, user_id: int) -> list[StaffSession]:
    """Return a staff member's sessions that have not run out, newest first."""
    now = utcnow()
    return list(
        session.scalars(
            select(StaffSession)
            .where(
                StaffSession.staff_user_id == user_id,
                StaffSession.expires_at > now,
                StaffSession.last_seen_at >= now - IDLE,
            )
            .order_by(StaffSession.created_at.desc())
        )
    )


def secure_cookies() -> bool:
    """Tell whether cookies go only over https (the public URL or this request)."""
    return bool(current_app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def cookie_name(base: str) -> str:
    """Name a staff cookie; over https with the __Host- prefix, which no other host can set."""
    return f"__Host-{base}" if secure_cookies() else base


def token_of_request() -> str | None:
    """Return the session token the browser sent, if any."""
    return request.cookies.get(cookie_name(COOKIE)) or None


def remember(token: str) -> None:
    """Have this response give the browser a session token."""
    g.staff_cookie = token


def forget() -> None:
    """Have this response take the session token from the browser."""
    g.staff_cookie = ""


def write_cookie(response: Response) -> Response:
    """Set or delete the session cookie when the request asked for it."""
    token = g.pop("staff_cookie", None)
    if token is None:
        return response
    name = cookie_name(COOKIE)
    flags = {"path": "/", "secure": secure_cookies(), "httponly": True, "samesite": "Lax"}
    if token:
        # No expiry: the browser forgets it when it closes; the server ends it anyway.
        response.set_cookie(name, token, **flags)  # type: ignore[arg-type]
    else:
        response.delete_cookie(name, **flags)  # type: ignore[arg-type]
    return response
