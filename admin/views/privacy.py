"""A resident's rights: find their contributions by address, export them, erase them."""

from __future__ import annotations

import json

from flask import abort, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from admin.audit import record
from admin.auth import requires
from admin.blueprint import blueprint
from intake import privacy
from intake.current import db_session, runtime
from intake.i18n import gettext as _
from intake.models import Consultation, Contribution, Contributor, Role
from intake.reporting import export as exporting


def _kinds() -> dict[str, str]:
    """Return the kinds of address the loaded channels take, with translated labels."""
    return {kind: _(label) for kind, label in runtime().registry.address_kinds.items()}


def _contributions(contributor_id: int) -> list[Contribution]:
    return list(
        db_session().scalars(
            select(Contribution)
            .where(Contribution.contributor_id == contributor_id)
            .options(selectinload(Contribution.attachments))
            .order_by(Contribution.received_at)
        )
    )


@blueprint.get("/privacy")
@requires(Role.ADMIN)
def privacy_page() -> str:
    """Show the form to find a resident by phone number, Telegram id or e-mail."""
    return render_template("admin/privacy.html", kinds=_kinds(), found=None, searched=False)


@blueprint.post("/privacy")
@requires(Role.ADMIN)
def privacy_find() -> str:
    """Find a resident by keyed hash and list their contributions (logged)."""
    session = db_session()
    kind = request.form.get("kind", "phone")
    address = request.form.get("address", "").strip()
    if kind not in _kinds() or not address:
        abort(400)
    secret = runtime().settings.secret_key
    found = privacy.find_contributor(session, secret, kind, address)
    record(session, "privacy.lookup", "contributor", found.id if found else None, kind=kind)
    session.commit()
    return render_template(
        "admin/privacy.html",
        kinds=_kinds(),
        found=found,
        searched=True,
        contributions=_contributions(found.id) if found else [],
        typed=privacy.count_typed(session, secret, kind, address),
        kind=kind,
        address=address,
    )


@blueprint.post("/privacy/typed/forget")
@requires(Role.ADMIN)
def privacy_forget_typed() -> tuple[str, int]:
    """Remove an address from the forms it was typed on without being confirmed (logged)."""
    session = db_session()
    kind = request.form.get("kind", "")
    address = request.form.get("address", "").strip()
    if kind not in _kinds() or not address:
        abort(400)
    forgotten = privacy.forget_typed(
        session, *privacy.typed_key(runtime().settings.secret_key, kind, address)
    )
    record(session, "privacy.forget_typed", "contributor", None, kind=kind, forms=forgotten)
    session.commit()
    return render_template(
        "admin/privacy.html", kinds=_kinds(), found=None, searched=False, forgotten=forgotten
    ), 200


@blueprint.post("/privacy/<int:contributor_id>/export")
@requires(Role.ADMIN)
def privacy_export(contributor_id: int) -> Response:
    """Download everything stored about one resident as JSON (logged)."""
    session = db_session()
    contributor = session.get(Contributor, contributor_id)
    if contributor is None:
        abort(404)
    slugs = dict(session.execute(select(Consultation.id, Consultation.slug)).all())
    data = {
        "contact": contributor.address,
        "kind": contributor.address_kind,
        "preferred_language": contributor.preferred_language,
        "wants_updates": contributor.wants_updates,
        "contributions": [
            exporting.record(c, slugs.get(c.consultation_id, ""), personal=True)
            for c in _contributions(contributor_id)
        ],
    }
    record(session, "privacy.export", "contributor", contributor_id)
    session.commit()
    response = Response(json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="resident.json"'
    return response


@blueprint.post("/privacy/<int:contributor_id>/erase")
@requires(Role.ADMIN)
def privacy_erase(contributor_id: int) -> tuple[str, int]:
    """Erase a resident's contributions, originals and contact (logged, irreversible)."""
    session = db_session()
    found = session.get(Contributor, contributor_id)
    if found is None:
        abort(404)
    if request.form.get("confirm") != "1":
        error = _("Vink aan dat u alles van deze inwoner wilt wissen.")
        return render_template(
            "admin/privacy.html",
            kinds=_kinds(),
            found=found,
            searched=True,
            contributions=_contributions(contributor_id),
            error=error,
        ), 422
    erasure = privacy.erase_contributor(
        session,
        contributor_id,
        secret=runtime().settings.secret_key,
        keep_jobs=runtime().registry.after_erasure,
        spool=runtime().spool,
    )
    record(
        session,
        "privacy.erase",
        "contributor",
        contributor_id,
        contributions=erasure.contributions,
        media=len(erasure.media_keys),
    )
    session.commit()
    privacy.remove_media(runtime().media, erasure.media_keys)
    return render_template(
        "admin/privacy.html", kinds=_kinds(), found=None, searched=False, erased=erasure
    ), 200
