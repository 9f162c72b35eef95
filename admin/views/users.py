"""Staff accounts: list, create, change role and access per consultation, switch off."""

from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from admin.audit import record
from admin.auth import requires, staff
from admin.blueprint import blueprint
from intake import staff as accounts
from intake.current import db_session
from intake.i18n import gettext as _
from intake.models import Consultation, Role, StaffUser


def _page(error: str | None = None, code: int = 200) -> tuple[str, int]:
    users = db_session().scalars(select(StaffUser).order_by(StaffUser.email)).all()
    return render_template(
        "admin/users.html",
        users=users,
        roles=list(accounts.MUNICIPAL_ROLES),
        error=error,
        min_length=accounts.MIN_PASSWORD,
    ), code


def _colleague(user_id: int) -> StaffUser:
    # One's own account changes under "My account", never here: no admin locks themselves out.
    user = db_session().get(StaffUser, user_id)
    if user is None or user.id == staff().id:
        abort(404 if user is None else 403)
    return user


@blueprint.get("/users")
@requires(Role.ADMIN)
def users() -> tuple[str, int]:
    """List staff accounts with their roles."""
    return _page()


@blueprint.post("/users")
@requires(Role.ADMIN)
def user_create() -> Response | tuple[str, int]:
    """Create a staff account."""
    session = db_session()
    form = request.form
    try:
        user = accounts.create_user(
            session, form.get("email", ""), form.get("role", ""), form.get("password", "")
        )
    except accounts.StaffError as error:
        session.rollback()
        return _page(_("Het account kon niet worden gemaakt: %(reason)s", reason=str(error)), 422)
    record(session, "user.create.admin", "staff_user", user.id, role=user.role)
    session.commit()
    return redirect(url_for("admin.users"))


@blueprint.post("/users/<int:user_id>")
@requires(Role.ADMIN)
def user_update(user_id: int) -> Response:
    """Change a colleague's role, or switch their account on or off; either signs them out."""
    session = db_session()
    user = _colleague(user_id)
    role = request.form.get("role", user.role)
    if role not in accounts.MUNICIPAL_ROLES or user.role == Role.PLATFORM:
        role = user.role  # a platform account's role is the installation's to change
    before = (user.role, user.active)
    ended = accounts.change_access(session, user, role, request.form.get("active") == "1")
    record(
        session,
        "user.update",
        "staff_user",
        user.id,
        role=user.role,
        active=user.active,
        was={"role": before[0], "active": before[1]},
        sessions_ended=ended,
    )
    session.commit()
    return redirect(url_for("admin.users", saved=user.id))


@blueprint.post("/users/<int:user_id>/password")
@requires(Role.ADMIN)
def user_password(user_id: int) -> Response | tuple[str, int]:
    """Give a colleague a new password (they forgot theirs); it signs them out everywhere."""
    session = db_session()
    user = _colleague(user_id)
    try:
        ended = accounts.set_password(session, user, request.form.get("password", ""))
    except accounts.StaffError:
        session.rollback()
        message = _("Kies een wachtwoord van minstens %(n)d tekens.", n=accounts.MIN_PASSWORD)
        return _page(message, 422)
    record(session, "user.password.reset", "staff_user", user.id, sessions_ended=ended)
    session.commit()
    return redirect(url_for("admin.users", reset=user.id))


@blueprint.post("/users/<int:user_id>/sessions/end")
@requires(Role.ADMIN)
def user_end_sessions(user_id: int) -> Response:
    """Sign a colleague out everywhere (a lost laptop, a shared computer left signed in)."""
    session = db_session()
    user = _colleague(user_id)
    ended = accounts.end_sessions(session, user.id)
    record(session, "user.sessions.end", "staff_user", user.id, sessions_ended=ended)
    session.commit()
    return redirect(url_for("admin.users", ended=user.id))


def _consultation_titles() -> dict[int, str]:
    found = db_session().scalars(select(Consultation).order_by(Consultation.id.desc()))
    return {c.id: c.text_in(g.language).title for c in found}


@blueprint.get("/users/<int:user_id>/access")
@requires(Role.ADMIN)
def user_access(user_id: int) -> tuple[str, int]:
    """Show a colleague's roles per consultation, with forms to give and take them."""
    user = _colleague(user_id)
    return render_template(
        "admin/access.html",
        user=user,
        grants=accounts.grants_of(db_session(), user.id),
        titles=_consultation_titles(),
        roles=[Role.MODERATOR, Role.VIEWER],
    ), 200


@blueprint.post("/users/<int:user_id>/access")
@requires(Role.ADMIN)
def user_grant(user_id: int) -> Response:
    """Give a colleague a role in one consultation, or in all of them."""
    session = db_session()
    user = _colleague(user_id)
    chosen = request.form.get("consultation", "")
    consultation_id = int(chosen) if chosen.isdigit() else None
    role = request.form.get("role", "")
    before = user.role
    try:
        accounts.grant(session, user, consultation_id, role)
    except accounts.StaffError:
        session.rollback()
        abort(400)
    record(
        session,
        "user.grant",
        "staff_user",
        user.id,
        consultation=consultation_id,
        role=role,
        was_admin=before == Role.ADMIN,
    )
    session.commit()
    return redirect(url_for("admin.user_access", user_id=user.id, saved=1))


@blueprint.post("/users/<int:user_id>/access/<int:grant_id>/delete")
@requires(Role.ADMIN)
def user_revoke(user_id: int, grant_id: int) -> Response:
    """Take a colleague's role in one consultation (or in all) away."""
    session = db_session()
    user = _colleague(user_id)
    gone = accounts.revoke(session, user, grant_id)
    if gone is None:
        abort(404)
    record(session, "user.revoke", "staff_user", user.id, consultation=gone[0], role=gone[1])
    session.commit()
    return redirect(url_for("admin.user_access", user_id=user.id, saved=1))
