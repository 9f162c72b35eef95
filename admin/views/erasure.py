"""Erase one contribution on a resident's request: admins only, with a reason, audited."""

from __future__ import annotations

from flask import abort, render_template, request
from werkzeug.wrappers import Response

from admin.audit import record
from admin.auth import requires
from admin.blueprint import blueprint
from admin.commands import erase_details
from admin.views import detail
from intake import privacy
from intake.current import db_session, runtime
from intake.i18n import gettext as _
from intake.models import Contribution, Role


@blueprint.post("/c/<int:contribution_id>/erase")
@requires(Role.ADMIN)
def erase_contribution(contribution_id: int) -> Response | tuple[str, int]:
    """Erase the contribution and everything derived from it, once confirmed with a reason."""
    session = db_session()
    contribution = session.get(Contribution, contribution_id)
    if contribution is None:
        abort(404)
    reason = request.form.get("reason", "")
    if request.form.get("confirm") != "1" or not reason.strip():
        error = _("Geef een reden en vink aan dat u deze bijdrage wilt wissen.")
        return detail.page(contribution, 422, error=error, erase_reason=reason)
    reference = contribution.reference
    try:
        found, erasure = privacy.erase_contribution(
            session,
            reference,
            secret=runtime().settings.secret_key,
            reason=reason,
            keep_jobs=runtime().registry.after_erasure,
        )
    except privacy.ErasureError as error:
        session.rollback()
        return detail.page(contribution, 422, error=str(error), erase_reason=reason)
    record(
        session,
        "contribution.erase",
        "contribution",
        found,
        **erase_details(reference, reason, "admin", erasure),
    )
    session.commit()
    privacy.remove_media(runtime().media, erasure.media_keys)
    return render_template("admin/erased.html", reference=reference), 200
