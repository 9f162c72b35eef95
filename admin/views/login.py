"""Sign in and out: argon2 passwords, one answer for every failure, throttled guessing."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, g, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from admin import signin
from admin.audit import record
from admin.auth import landing, sign_in, sign_out
from admin.blueprint import blueprint
from intake.current import db_session, runtime
from intake.hashing import keyed_hash
from intake.i18n import gettext as _
from intake.models import Role, StaffUser, utcnow
from intake.staff import check_sign_in, refresh_hash


def safe_next(target: str | None) -> str:
    """Return where to go after signing in: a staff page of this site, else the queue."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not parts.path.startswith("/admin"):
        return url_for("admin.queue")
    return target or url_for("admin.queue")


def login_options() -> dict[str, bool]:
    """Tell the sign-in page which ways to sign in it offers."""
    settings = runtime().settings
    return {"oidc": settings.oidc_enabled, "passwords": settings.password_sign_in != "off"}


@blueprint.get("/login")
def login() -> str:
    """Show the sign-in form, the provider's button, or both."""
    expired = request.args.get("expired") == "1"
    return render_template(
        "admin/login.html", expired=expired, email="", error=None, **login_options()
    )


def _refused(email: str) -> tuple[str, int]:
    # One answer for a wrong password, an unknown or switched-off account and a pause:
    # none of them may tell a guesser more than another.
    error = _(
        "Aanmelden lukte niet. Kijk uw e-mailadres en wachtwoord na. Lukt het na enkele "
        "pogingen nog niet, wacht dan een kwartier of vraag een beheerder om een nieuw "
        "wachtwoord."
    )
    return render_template(
        "admin/login.html", email=email, error=error, expired=False, **login_options()
    ), 401


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
    policy = runtime().settings.password_sign_in
    if policy == "off":
        abort(404)
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
    if policy == "admins" and user.role not in (Role.ADMIN, Role.PLATFORM):
        # The right password, but this account signs in at the provider now.
        _audit_refusal(user, "provider_only", attempt)
        error = _("Meld u aan met uw account van de gemeente, met de knop hieronder.")
        return render_template(
            "admin/login.html", email=email, error=error, expired=False, **login_options()
        ), 403
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
    if user.role == Role.PLATFORM:
        return redirect(landing(user))
    return redirect(safe_next(request.args.get("next")))


@blueprint.post("/logout")
def logout() -> Response:
    """End this browser's session, at the provider too when it began there."""
    from admin.views.oidc import provider_sign_out, signed_in_at_provider

    at_provider = provider_sign_out() if signed_in_at_provider() else None
    session = db_session()
    record(session, "staff.logout", "staff_user", g.staff.id, at_provider=bool(at_provider))
    sign_out()
    session.commit()
    return redirect(at_provider or url_for("admin.login"))
