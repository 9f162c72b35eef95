"""Sign in and out: argon2 passwords, a rate limit per address and per account."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import g, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from admin.audit import record
from admin.auth import sign_in, sign_out
from admin.blueprint import blueprint
from intake import ratelimit
from intake.i18n import gettext as _
from intake.models import StaffUser, utcnow
from intake.staff import check_password
from intake.web import db_session, runtime

ATTEMPTS_PER_ADDRESS = 20
ATTEMPTS_PER_ACCOUNT = 5
WINDOW_SECONDS = 15 * 60


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


@blueprint.post("/login")
def login_post() -> Response | tuple[str, int]:
    """Check the password; the same message for every failure, a pause after many."""
    email = request.form.get("email", "").strip().lower()
    password = request.form.get("password", "")
    session = db_session()
    settings = runtime().settings
    address = request.remote_addr or "unknown"
    allowed = ratelimit.allow(
        session, settings.secret_key, "login-address", address, ATTEMPTS_PER_ADDRESS, WINDOW_SECONDS
    ) & ratelimit.allow(
        session, settings.secret_key, "login-account", email, ATTEMPTS_PER_ACCOUNT, WINDOW_SECONDS
    )
    if not allowed:
        session.commit()
        error = _("Te veel pogingen. Wacht een kwartier en probeer het dan opnieuw.")
        return render_template("admin/login.html", email=email, error=error, expired=False), 429
    user = session.scalar(select(StaffUser).where(StaffUser.email == email))
    if user is None or not user.active or not check_password(user, password):
        session.commit()
        error = _("Dit e-mailadres en wachtwoord passen niet bij elkaar.")
        return render_template("admin/login.html", email=email, error=error, expired=False), 401
    user.last_login_at = utcnow()
    sign_in(user)
    g.staff = user
    record(session, "staff.login", "staff_user", user.id)
    session.commit()
    return redirect(_safe_next(request.args.get("next")))


@blueprint.post("/logout")
def logout() -> Response:
    """Sign out and return to the sign-in form."""
    sign_out()
    return redirect(url_for("admin.login"))
