"""Sign in and out: argon2 passwords, one answer for every failure, throttled guessing."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import g, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from admin import signin
from admin.audit import record
from admin.auth import sign_in, sign_out
from admin.blueprint import blueprint
from intake.current import db_session, runtime
from intake.hashing import keyed_hash
from intake.i18n import gettext as _
from intake.models import StaffUser, utcnow
from intake.staff import check_sign_in, refresh_hash


def _safe_next(target: str | None) -> str:
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not parts.path.startswith("/admin"):
        return url_for("admin.queue")
    return target or url_for("admin.queue")


@blueprint.get("/login")
def login() -> str:
    """Show the sign-in form."""
    expired = request.args.get("expired") == "1"
    return render_template("admin/login.html", expired=expired, email="", error=None)


def _refused(email: str) -> tuple[str, int]:
    # One answer for a wrong password, an unknown or switched-off account and a pause:
    # none of them may tell a guesser more than another.
    error = _(
        "Aanmelden lukte niet. Kijk uw e-mailadres en wachtwoord na. Lukt het na enkele "
        "pogingen nog niet, wacht dan een kwartier of vraag een beheerder om een nieuw "
        "wachtwoord."
    )
    return render_template("admin/login.html", email=email, error=error, expired=False), 401


def _audit_refusal(user: StaffUser | None, reason: str, attempt: signin.Attempt) -> None:
    # Never the typed address or password: a password typed into the wrong field would
    # end up in the log. The network only as a keyed hash, to see attempts that belong
    # together.
    session = db_session()
    record(
        session,
        "staff.login.refused",
        "staff_user" if user else None,
        user.id if user else None,
        reason=reason,
        known_browser=attempt.device is not None,
        network=keyed_hash(runtime().settings.secret_key, "network", attempt.network)[:12],
    )
    session.commit()


@blueprint.post("/login")
def login_post() -> Response | tuple[str, int]:
    """Check the password; the same answer for every failure, guessing slowed down."""
    email = request.form.get("email", "").strip().lower()
    password = request.form.get("password", "")
    db = runtime().db
    secret = runtime().settings.secret_key
    with db.session(write=False) as reading:
        user = reading.scalar(select(StaffUser).where(StaffUser.email == email))
    attempt = signin.Attempt(
        signin.network(request.remote_addr), email, signin.device_of_request(secret, user)
    )
    # Counted in a transaction of its own, before the slow password check, so parallel
    # guesses cannot slip past the count, and no write waits for argon2.
    verdict = db.write(lambda connection: signin.admit(connection, secret, attempt))
    if not verdict.allowed:
        if verdict.first_refusal:
            _audit_refusal(user, "paused", attempt)
        return _refused(email)
    # Always through argon2, also for an unknown address: see check_sign_in.
    opened = check_sign_in(user, password)
    if not opened or user is None:
        _audit_refusal(user, "password", attempt)
        return _refused(email)
    session = db_session()
    user = session.get(StaffUser, user.id)
    assert user is not None
    refresh_hash(user, password)
    user.last_login_at = utcnow()
    signin.take_back(session, secret, verdict)
    sign_in(user)
    g.staff = user
    record(session, "staff.login", "staff_user", user.id, known_browser=attempt.device is not None)
    session.commit()
    signin.remember_device(secret, user.id)
    return redirect(_safe_next(request.args.get("next")))


@blueprint.post("/logout")
def logout() -> Response:
    """End this browser's session and return to the sign-in form."""
    session = db_session()
    record(session, "staff.logout", "staff_user", g.staff.id)
    sign_out()
    session.commit()
    return redirect(url_for("admin.login"))
