"""Exports per consultation, the same files as `inspraak export`; personal data audited."""

from __future__ import annotations

from flask import abort, request
from werkzeug.wrappers import Response

from admin.audit import record
from admin.auth import may, requires
from admin.blueprint import blueprint
from intake.current import db_session
from intake.models import Consultation, Role
from intake.reporting import export as exporting
from intake.reporting import spreadsheet


@blueprint.post("/consultations/<int:consultation_id>/export")
@requires(Role.MODERATOR)
def export(consultation_id: int) -> Response:
    """Download every contribution of a consultation as CSV or JSON."""
    session = db_session()
    consultation = session.get(Consultation, consultation_id)
    if consultation is None:
        abort(404)
    personal = request.form.get("personal") == "1"
    if personal and not may(Role.ADMIN):
        abort(403)
    fmt = "json" if request.form.get("format") == "json" else "csv"
    separator = request.form.get("separator", spreadsheet.DEFAULT_SEPARATOR)
    if separator not in spreadsheet.SEPARATORS:
        abort(400)
    records = exporting.rows(session, consultation, personal=personal)
    if fmt == "json":
        body, mimetype = exporting.to_json(records), "application/json"
    else:
        body, mimetype = (
            exporting.to_csv(records, personal=personal, separator=separator),
            "text/csv",
        )
    action = "export.personal" if personal else "export"
    record(session, action, "consultation", consultation.id, via="admin", format=fmt)
    session.commit()
    suffix = "-personal" if personal else ""
    response = Response(body, mimetype=f"{mimetype}; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{consultation.slug}{suffix}.{fmt}"'
    )
    return response
