"""Whether a contribution may be quoted on the public results page, and in which words."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, request, url_for
from werkzeug.wrappers import Response

from admin.auth import requires
from admin.blueprint import blueprint
from admin.publishing import PublicationError, set_publication
from admin.views import detail
from intake.current import db_session
from intake.models import Contribution, Role
from intake.reporting.results import QUOTE_MAX


@blueprint.context_processor
def _publication_globals() -> dict[str, Any]:
    return {"quote_max": QUOTE_MAX}


@blueprint.post("/c/<int:contribution_id>/publication")
@requires(Role.MODERATOR)
def publication(contribution_id: int) -> Response | tuple[str, int]:
    """Allow or stop quoting the contribution publicly, with an optional shortened quote."""
    session = db_session()
    contribution = session.get(Contribution, contribution_id)
    if contribution is None:
        abort(404)
    publishable = request.form.get("publishable") == "1"
    try:
        set_publication(session, contribution.id, publishable, request.form.get("quote", ""))
    except PublicationError as error:
        session.rollback()
        # The detail page again, with the error beside the staff member's other forms.
        return detail.page(contribution, 422, error=str(error))
    session.commit()
    return redirect(url_for("admin.detail", contribution_id=contribution.id, done="publication"))
