"""Staff accounts: list, create, change role, switch off."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from admin.audit import record
from admin.auth import requires, staff
from admin.blueprint import blueprint
from intake import staff as accounts
from intake.i18n import gettext as _
from intake.models import Role, StaffUser
from intake.web import db_session


def _page(error: str | None = None, code: int = 200) -> tuple[str, int]:
    users = db_session().scalars(select(StaffUser).order_by(StaffUser.email)).all()
    return render_template("admin/users.html", users=users, roles=list(Role), error=error), code


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
    """Change a colleague's role, or switch their account on or off."""
    session = db_session()
    user = session.get(StaffUser, user_id)
    if user is None or user.id == staff().id:
        abort(404 if user is None else 403)
    role = request.form.get("role", user.role)
    if role in set(Role):
        user.role = role
    user.active = request.form.get("active") == "1"
    record(session, "user.update", "staff_user", user.id, role=user.role, active=user.active)
    session.commit()
    return redirect(url_for("admin.users"))
