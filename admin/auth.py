"""Who is signed in, what their role allows, and the guard in front of every staff page."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, g, redirect, request, session, url_for
from werkzeug.wrappers import Response

from intake import i18n
from intake.models import Role, StaffUser
from intake.web import db_session

IDLE_SECONDS = 30 * 60
RANK = {Role.VIEWER: 0, Role.MODERATOR: 1, Role.ADMIN: 2}
OPEN_ENDPOINTS = {"admin.login", "admin.login_post"}
View = TypeVar("View", bound=Callable[..., Any])


def sign_in(user: StaffUser) -> None:
    """Start a fresh browser session for `user` (a new CSRF token, no fixation)."""
    language = session.get("staff_language")
    session.clear()
    session["staff_id"] = user.id
    session["staff_seen"] = time.time()
    if language:
        session["staff_language"] = language


def sign_out() -> None:
    """Forget who is signed in on this browser."""
    session.clear()


def staff() -> StaffUser:
    """Return the signed-in staff member of this request."""
    return g.staff  # type: ignore[no-any-return]


def may(role: str) -> bool:
    """Tell whether the signed-in staff member has at least `role`."""
    user = g.get("staff")
    return user is not None and RANK[Role(user.role)] >= RANK[Role(role)]


def requires(role: Role) -> Callable[[View], View]:
    """Refuse the view (403) to staff below `role`."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not may(role):
                abort(403)
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


def _staff_language() -> None:
    asked = request.args.get("lang")
    if asked in i18n.LANGUAGES:
        session["staff_language"] = asked
    elif session.get("staff_language") in i18n.LANGUAGES:
        g.language = session["staff_language"]
        i18n.set_language(g.language)


def guard() -> Response | None:
    """Send anyone not signed in (or idle too long) to the login page."""
    _staff_language()
    if request.endpoint in OPEN_ENDPOINTS or request.endpoint is None:
        return None
    staff_id = session.get("staff_id")
    seen = float(session.get("staff_seen", 0))
    user = db_session().get(StaffUser, staff_id) if staff_id else None
    if user is None or not user.active or time.time() - seen > IDLE_SECONDS:
        expired = staff_id is not None
        sign_out()
        target = request.full_path if request.method == "GET" else url_for("admin.queue")
        return redirect(url_for("admin.login", next=target, expired=int(expired) or None))
    session["staff_seen"] = time.time()
    g.staff = user
    return None
