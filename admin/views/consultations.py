"""Consultations: create, edit, open and close; updates to everyone who asked for them."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from admin import scope
from admin.audit import record
from admin.auth import requires
from admin.blueprint import blueprint
from admin.replies import announce
from intake import consultations as service
from intake.current import db_session, runtime
from intake.i18n import LANGUAGES
from intake.i18n import gettext as _
from intake.models import Consultation, ConsultationStatus, Contribution, Role, utcnow
from intake.tenancy import current_tenant_id

TEXT_FIELDS = ("title", "question", "description")


def _consultation(consultation_id: int) -> Consultation:
    found = db_session().get(Consultation, consultation_id)
    if found is None:
        abort(404)
    return found


def _form_data(consultation: Consultation | None) -> dict[str, Any]:
    if consultation is None:
        own = runtime().tenants.get(current_tenant_id()).retention_days
        return {"status": "draft", "retention_days": own, "texts": {}}
    return {
        "slug": consultation.slug,
        "status": consultation.status,
        "sms_keyword": consultation.sms_keyword or "",
        "phone_digit": consultation.phone_digit or "",
        "opens_at": consultation.opens_at.date().isoformat() if consultation.opens_at else "",
        "closes_at": consultation.closes_at.date().isoformat() if consultation.closes_at else "",
        "retention_days": consultation.retention_days,
        "texts": {t.language: {f: getattr(t, f) for f in TEXT_FIELDS} for t in consultation.texts},
    }


def _posted(slug: str) -> dict[str, Any]:
    form = request.form
    texts = {}
    for language in LANGUAGES:
        fields = {f: form.get(f"{language}_{f}", "").strip() for f in TEXT_FIELDS}
        if any(fields.values()):
            texts[language] = fields
    retention = form.get("retention_days", "").strip()
    return {
        "slug": slug,
        "status": form.get("status", "draft"),
        "sms_keyword": form.get("sms_keyword", "").strip() or None,
        "phone_digit": form.get("phone_digit", "").strip() or None,
        "opens_at": form.get("opens_at", "").strip() or None,
        "closes_at": form.get("closes_at", "").strip() or None,
        "retention_days": int(retention) if retention.isdigit() else None,
        "texts": texts,
    }


@blueprint.get("/consultations")
def consultations() -> str:
    """List every consultation with its state and number of contributions."""
    session = db_session()
    numbers = dict(
        session.execute(
            select(Contribution.consultation_id, func.count())
            .where(scope.contributions())
            .group_by(Contribution.consultation_id)
        ).all()
    )
    found = session.scalars(
        scope.consultations(select(Consultation).order_by(Consultation.id.desc()))
    ).all()
    return render_template("admin/consultations.html", consultations=found, numbers=numbers)


def _form(consultation: Consultation | None, data: dict[str, Any], error: str | None, code: int):
    return render_template(
        "admin/consultation_form.html",
        consultation=consultation,
        data=data,
        error=error,
        text_fields=TEXT_FIELDS,
        statuses=list(ConsultationStatus),
    ), code


@blueprint.get("/consultations/new")
@requires(Role.ADMIN)
def consultation_new() -> tuple[str, int]:
    """Show an empty consultation form."""
    return _form(None, _form_data(None), None, 200)


@blueprint.get("/consultations/<int:consultation_id>")
def consultation_edit(consultation_id: int) -> tuple[str, int]:
    """Show a consultation's settings and texts (editable by admins)."""
    consultation = _consultation(consultation_id)
    return _form(consultation, _form_data(consultation), None, 200)


@blueprint.post("/consultations/save")
@requires(Role.ADMIN)
def consultation_save() -> Response | tuple[str, int]:
    """Create or update a consultation from the form."""
    session = db_session()
    consultation_id = request.form.get("id", "")
    existing = _consultation(int(consultation_id)) if consultation_id.isdigit() else None
    slug = existing.slug if existing else request.form.get("slug", "").strip().lower()
    data = _posted(slug)
    if existing is None and session.scalar(
        select(Consultation.id).where(Consultation.slug == slug)
    ):
        error = _("Er bestaat al een bevraging met deze korte naam.")
        return _form(None, data, error, 422)
    try:
        saved = service.save(session, data)
    except service.ConsultationError as error:
        session.rollback()
        message = _("De bevraging kon niet worden bewaard: %(reason)s", reason=str(error))
        return _form(existing, data, message, 422)
    record(session, "consultation.save", "consultation", saved.id, status=saved.status)
    session.commit()
    return redirect(url_for("admin.consultation_edit", consultation_id=saved.id, saved=1))


@blueprint.post("/consultations/<int:consultation_id>/status")
@requires(Role.ADMIN)
def consultation_status(consultation_id: int) -> Response:
    """Open or close a consultation; closing now also ends it now."""
    session = db_session()
    consultation = _consultation(consultation_id)
    wanted = ConsultationStatus.OPEN if request.form.get("action") == "open" else None
    if wanted is None:
        wanted = ConsultationStatus.CLOSED
    service.set_status(session, consultation.slug, wanted)
    now = utcnow()
    if wanted == ConsultationStatus.CLOSED and (
        consultation.closes_at is None or consultation.closes_at > now
    ):
        consultation.closes_at = now
    if (
        wanted == ConsultationStatus.OPEN
        and consultation.closes_at
        and consultation.closes_at <= now
    ):
        consultation.closes_at = None
    record(session, "consultation.status", "consultation", consultation.id, status=wanted)
    session.commit()
    return redirect(url_for("admin.consultation_edit", consultation_id=consultation.id))


@blueprint.post("/consultations/<int:consultation_id>/announce")
@requires(Role.MODERATOR)
def consultation_announce(consultation_id: int) -> Response | tuple[str, int]:
    """Send an update to everyone on the consultation who asked for news (as jobs)."""
    session = db_session()
    consultation = _consultation(consultation_id)
    texts = {
        language: request.form.get(f"update_{language}", "").strip()
        for language in LANGUAGES
        if request.form.get(f"update_{language}", "").strip()
    }
    if "nl" not in texts:
        error = _("Schrijf het bericht minstens in het Nederlands.")
        return _form(consultation, _form_data(consultation), error, 422)
    announce(session, consultation, texts)
    record(session, "consultation.announce", "consultation", consultation.id)
    session.commit()
    return redirect(url_for("admin.consultation_edit", consultation_id=consultation.id, sent=1))
