"""A consultation's decisions: the municipality's answers shown on the public results page."""

from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from admin.auth import requires, staff
from admin.blueprint import blueprint
from admin.publishing import DecisionForm, delete_decision, save_decision
from intake.current import db_session
from intake.i18n import N_
from intake.i18n import gettext as _
from intake.models import Consultation, Decision, Role

DONE = {
    "added": N_("Het besluit is toegevoegd."),
    "saved": N_("Het besluit is bewaard."),
    "deleted": N_("Het besluit is verwijderd."),
}


def _consultation(consultation_id: int) -> Consultation:
    found = db_session().get(Consultation, consultation_id)
    if found is None:
        abort(404)
    return found


def _decision(consultation: Consultation, decision_id: int) -> Decision:
    found = db_session().get(Decision, decision_id)
    if found is None or found.consultation_id != consultation.id:
        abort(404)
    return found


def _page(
    consultation: Consultation,
    form: DecisionForm,
    editing: Decision | None = None,
    status: int = 200,
) -> tuple[str, int]:
    decisions = db_session().scalars(
        select(Decision)
        .where(Decision.consultation_id == consultation.id)
        .order_by(Decision.decided_on.desc(), Decision.id.desc())
    )
    done = request.args.get("done")
    return render_template(
        "admin/decisions.html",
        consultation=consultation,
        title=consultation.text_in(g.language).title,
        decisions=list(decisions),
        form=form,
        editing=editing,
        done=_(DONE[done]) if done in DONE else None,
    ), status


def _saved(consultation: Consultation, what: str) -> Response:
    db_session().commit()
    return redirect(url_for("admin.decisions", consultation_id=consultation.id, done=what))


@blueprint.get("/consultations/<int:consultation_id>/decisions")
def decisions(consultation_id: int) -> tuple[str, int]:
    """List a consultation's decisions, newest first, with a form to add one."""
    return _page(_consultation(consultation_id), DecisionForm())


@blueprint.get("/consultations/<int:consultation_id>/decisions/<int:decision_id>")
@requires(Role.MODERATOR)
def decision_edit(consultation_id: int, decision_id: int) -> tuple[str, int]:
    """Show a decision in the form, to change it."""
    consultation = _consultation(consultation_id)
    decision = _decision(consultation, decision_id)
    return _page(consultation, DecisionForm.of(decision), decision)


@blueprint.post("/consultations/<int:consultation_id>/decisions")
@requires(Role.MODERATOR)
def decision_add(consultation_id: int) -> Response | tuple[str, int]:
    """Add a decision; on a problem, show the form again with what was typed."""
    consultation = _consultation(consultation_id)
    form = DecisionForm.from_form(request.form)
    day = form.validate()
    if day is None:
        return _page(consultation, form, status=422)
    save_decision(db_session(), consultation.id, day, form.stored_texts(), actor_id=staff().id)
    return _saved(consultation, "added")


@blueprint.post("/consultations/<int:consultation_id>/decisions/<int:decision_id>")
@requires(Role.MODERATOR)
def decision_update(consultation_id: int, decision_id: int) -> Response | tuple[str, int]:
    """Save the changes to a decision."""
    consultation = _consultation(consultation_id)
    decision = _decision(consultation, decision_id)
    form = DecisionForm.from_form(request.form)
    day = form.validate()
    if day is None:
        return _page(consultation, form, decision, status=422)
    save_decision(db_session(), consultation.id, day, form.stored_texts(), decision)
    return _saved(consultation, "saved")


@blueprint.post("/consultations/<int:consultation_id>/decisions/<int:decision_id>/delete")
@requires(Role.MODERATOR)
def decision_delete(consultation_id: int, decision_id: int) -> Response:
    """Remove a decision from the results page."""
    consultation = _consultation(consultation_id)
    delete_decision(db_session(), _decision(consultation, decision_id))
    return _saved(consultation, "deleted")
