"""Who is signed in, what their role allows, and the guard in front of every staff page."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, g, redirect, request, session, url_for
from werkzeug.wrappers import Response

from admin import scope, sessions
from intake import i18n
from intake.current import db_session, runtime
from intake.models import DEFAULT_TENANT_ID, Role, StaffUser, utcnow
from intake.tenancy import current_tenant_id

RANK = scope.RANK
OPEN_ENDPOINTS = {"admin.login", "admin.login_post", "admin.oidc_login", "admin.oidc_callback"}
# All a platform account reaches besides the platform's pages: its own account, signing out.
PLATFORM_ALSO = {
    "admin.account",
    "admin.account_password",
    "admin.account_end_sessions",
    "admin.logout",
}
PLATFORM_PREFIX = "admin.platform"
View = TypeVar("View", bound=Callable[..., Any])


def sign_in(user: StaffUser) -> int:
    """Start a fresh session for `user` on this browser; return its id.

    The browser gets a new session token and a new CSRF token, so nothing it carried
    before signing in (perhaps planted) is worth anything after.
    """
    language = session.get("staff_language")
    session.clear()
    if language:
        session["staff_language"] = language
    token, session_id = sessions.start(db_session(), user.id)
    sessions.remember(token)
    g.staff_session_id = session_id
    return session_id


def sign_out() -> None:
    """End this browser's session on the server and forget it here."""
    session_id = g.get("staff_session_id")
    if session_id is not None:
        sessions.end(db_session(), session_id)
    session.clear()
    sessions.forget()


def staff() -> StaffUser:
    """Return the signed-in staff member of this request."""
    return g.staff  # type: ignore[no-any-return]


def may(role: str, *, anywhere: bool = False) -> bool:
    """Tell whether the signed-in staff member has at least `role`.

    On a page about one consultation (or a record in it), the role held there counts;
    elsewhere the highest role held anywhere (lists show only what may be seen).
    """
    if g.get("staff") is None:
        return False
    held = scope.current().best() if anywhere else scope.role_here()
    return held is not None and RANK[held] >= RANK[Role(role)]


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


def landing(user: StaffUser) -> str:
    """Return the page a staff member starts on: the queue, or the platform's page."""
    return url_for("admin.platform" if user.role == Role.PLATFORM else "admin.queue")


def _keep_to_own_pages(user: StaffUser) -> None:
    """Keep the platform's pages and the municipalities' pages apart, both ways.

    A platform account reaches no page of a municipality (403); the platform's pages exist
    only for platform accounts, on the installation's own tenant (404 elsewhere).
    """
    endpoint = request.endpoint or ""
    platform_page = endpoint.startswith(PLATFORM_PREFIX)
    if platform_page and (user.role != Role.PLATFORM or current_tenant_id() != DEFAULT_TENANT_ID):
        abort(404)
    if user.role == Role.PLATFORM and not platform_page and endpoint not in PLATFORM_ALSO:
        abort(403)


def guard() -> Response | None:
    """Send anyone without a live session (ended, idle too long, too old) to the login page."""
    _staff_language()
    if request.endpoint in OPEN_ENDPOINTS or request.endpoint is None:
        return None
    token = sessions.token_of_request()
    db = runtime().db
    current = sessions.find(db, token) if token else None
    now = utcnow()
    if current is None or not current.user.active or current.ended(now):
        expired = current is not None and current.ended(now)
        if current is not None:
            ended = current.id
            db.write(lambda connection: sessions.end(connection, ended))
        if token:
            sessions.forget()
        target = request.full_path if request.method == "GET" else url_for("admin.queue")
        return redirect(url_for("admin.login", next=target, expired=int(expired) or None))
    sessions.touch(db, current, now)
    _keep_to_own_pages(current.user)
    g.staff = current.user
    g.staff_session_id = current.id
    with db.session(write=False) as reading:
        scope.enter(reading, scope.load(reading, current.user))
    return None
