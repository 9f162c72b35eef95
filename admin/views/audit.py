"""The audit trail: who saw personal data, changed a status, exported or erased, and when."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select

from admin.auth import requires
from admin.blueprint import blueprint
from intake.current import db_session
from intake.models import AuditEvent, Role, StaffUser

PAGE = 100


@blueprint.get("/audit")
@requires(Role.ADMIN)
def audit() -> str:
    """List audit entries newest first, optionally one action, a page at a time."""
    session = db_session()
    query = (
        select(AuditEvent, StaffUser.email)
        .outerjoin(StaffUser, StaffUser.id == AuditEvent.actor_id)
        .order_by(AuditEvent.id.desc())
        .limit(PAGE + 1)
    )
    action = request.args.get("action", "").strip()
    if action:
        query = query.where(AuditEvent.action == action)
    before = request.args.get("before", "")
    if before.isdigit():
        query = query.where(AuditEvent.id < int(before))
    rows = session.execute(query).all()
    actions = session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    return render_template(
        "admin/audit.html",
        rows=rows[:PAGE],
        older=rows[PAGE - 1][0].id if len(rows) > PAGE else None,
        action=action,
        actions=list(actions),
    )
