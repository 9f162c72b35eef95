"""One's own account: change the password, see and end one's signed-in sessions."""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from admin import sessions
from admin.audit import record
from admin.auth import sign_in, staff
from admin.blueprint import blueprint
from intake import ratelimit
from intake import staff as accounts
from intake.current import db_session, runtime
from intake.i18n import gettext as _
from intake.models import StaffUser

# Someone at an unattended, signed-in computer must not get to guess the password.
PASSWORD_TRIES = 5
PASSWORD_WINDOW = 15 * 60


def _page(error: str | None = None, code: int = 200) -> tuple[str, int]:
    return render_template(
        "admin/account.html",
        sessions=sessions.of_user(db_session(), staff().id),
        this_session=g.staff_session_id,
        error=error,
        min_length=accounts.MIN_PASSWORD,
    ), code


@blueprint.get("/account")
def account() -> tuple[str, int]:
    """Show the password form and where one is signed in."""
    return _page()


@blueprint.post("/account/password")
def account_password() -> Response | tuple[str, int]:
    """Change one's own password; every session ends, this browser gets a new one."""
    session = db_session()
    settings = runtime().settings
    form = request.form
    user = session.get(StaffUser, staff().id)
    assert user is not None
    if not ratelimit.allow(
        session,
        settings.secret_key,
        "password-change",
        str(user.id),
        PASSWORD_TRIES,
        PASSWORD_WINDOW,
    ):
        session.commit()
        return _page(_("Te veel pogingen. Wacht een kwartier en probeer het dan opnieuw."), 429)
    if not accounts.check_password(user, form.get("current", "")):
        session.commit()  # the try counts
        return _page(_("Uw huidige wachtwoord klopt niet."), 422)
    if form.get("new", "") != form.get("repeat", ""):
        session.commit()
        return _page(_("De twee nieuwe wachtwoorden zijn niet gelijk."), 422)
    try:
        ended = accounts.set_password(session, user, form.get("new", ""))
    except accounts.StaffError:
        session.rollback()
        message = _("Kies een wachtwoord van minstens %(n)d tekens.", n=accounts.MIN_PASSWORD)
        return _page(message, 422)
    # Whoever copied this browser's cookie is out too: this browser starts afresh.
    sign_in(user)
    record(session, "staff.password.change", "staff_user", user.id, sessions_ended=ended)
    session.commit()
    return redirect(url_for("admin.account", changed=1))


@blueprint.post("/account/sessions/end")
def account_end_sessions() -> Response:
    """Sign out everywhere but on this browser."""
    session = db_session()
    ended = accounts.end_sessions(session, staff().id, keep=g.staff_session_id)
    record(session, "staff.sessions.end", "staff_user", staff().id, sessions_ended=ended)
    session.commit()
    return redirect(url_for("admin.account", ended=1))
