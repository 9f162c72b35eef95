"""A consultation's closed questions: edit them, see how they were answered, publish the counts."""

from __future__ import annotations

from typing import Any

from flask import abort, g, redirect, render_template, request, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from admin.audit import record
from admin.auth import requires, staff
from admin.blueprint import blueprint
from intake import consultations
from intake import questions as service
from intake.current import db_session
from intake.evidence import AnswerEvidence, FieldCrop
from intake.i18n import LANGUAGES, N_
from intake.i18n import gettext as _
from intake.inbound import GivenAnswer
from intake.labels import channel_label, language_label
from intake.models import ClosedQuestion, Consultation, Contribution, QuestionKind, Role
from intake.questions import paper_field
from intake.reporting.questions import tally

KINDS = {
    QuestionKind.CHOICE: N_("Keuze uit opties"),
    QuestionKind.YES_NO: N_("Ja of nee"),
    QuestionKind.SCALE: N_("Schaal van 1 tot 5"),
}
DONE = {
    "saved": N_("De vragen zijn bewaard."),
    "published": N_("De antwoorden staan op de openbare resultatenpagina."),
    "hidden": N_("De antwoorden staan niet meer op de openbare resultatenpagina."),
}


def _consultation(consultation_id: int) -> Consultation:
    found = db_session().get(Consultation, consultation_id)
    if found is None:
        abort(404)
    return found


def _posted() -> list[dict[str, Any]]:
    """Read the question blocks (`q1_key`, `q1_nl`, `q1_o2_fr`, …), leaving out empty ones."""
    form = request.form
    entries = []
    for n in range(1, service.MAX_QUESTIONS + 1):
        texts = {code: form.get(f"q{n}_{code}", "").strip() for code in LANGUAGES}
        key = form.get(f"q{n}_key", "").strip()
        if not key and not any(texts.values()):
            continue
        options = [
            {code: form.get(f"q{n}_o{m}_{code}", "").strip() for code in LANGUAGES}
            for m in range(1, service.MAX_OPTIONS + 1)
        ]
        entries.append(
            {
                "key": key,
                "kind": form.get(f"q{n}_kind", QuestionKind.CHOICE),
                "required": form.get(f"q{n}_required") == "yes",
                "texts": texts,
                "options": [o for o in options if any(o.values())],
            }
        )
    return entries


def _page(
    consultation: Consultation, entries: list[dict[str, Any]], error: str | None, status: int
) -> tuple[str, int]:
    done = request.args.get("done")
    blank = {"key": "", "kind": QuestionKind.CHOICE, "required": False, "texts": {}, "options": []}
    shown = entries + [blank] * (1 if len(entries) < service.MAX_QUESTIONS else 0)
    return render_template(
        "admin/questions.html",
        consultation=consultation,
        title=consultation.text_in(g.language).title,
        entries=shown,
        kinds=KINDS,
        max_options=service.MAX_OPTIONS,
        tallies=tally(db_session(), consultation.id, g.language),
        channel_label=channel_label,
        language_label=language_label,
        error=error,
        done=_(DONE[done]) if done in DONE else None,
    ), status


@blueprint.get("/consultations/<int:consultation_id>/questions")
def questions(consultation_id: int) -> tuple[str, int]:
    """Show the closed questions, their counts, and (for admins) the form to change them."""
    consultation = _consultation(consultation_id)
    entries = service.as_entries(service.current(db_session(), consultation.id))
    return _page(consultation, entries, None, 200)


@blueprint.post("/consultations/<int:consultation_id>/questions")
@requires(Role.ADMIN)
def questions_save(consultation_id: int) -> Response | tuple[str, int]:
    """Save the questions: in place until answered, as a new version after."""
    session = db_session()
    consultation = _consultation(consultation_id)
    entries = _posted()
    try:
        service.save(session, consultation, entries)
    except service.QuestionError as error:
        session.rollback()
        message = _("De vragen konden niet worden bewaard: %(reason)s", reason=str(error))
        return _page(consultation, entries, message, 422)
    record(session, "questions.save", "consultation", consultation.id, questions=len(entries))
    session.commit()
    return redirect(url_for("admin.questions", consultation_id=consultation.id, done="saved"))


@blueprint.post("/consultations/<int:consultation_id>/questions/publication")
@requires(Role.MODERATOR)
def questions_publication(consultation_id: int) -> Response:
    """Put the counts on the public results page, or take them off."""
    session = db_session()
    consultation = _consultation(consultation_id)
    consultation.closed_results_public = request.form.get("public") == "yes"
    record(
        session,
        "questions.publication",
        "consultation",
        consultation.id,
        public=consultation.closed_results_public,
    )
    session.commit()
    consultations.forget_cached()
    done = "published" if consultation.closed_results_public else "hidden"
    return redirect(url_for("admin.questions", consultation_id=consultation.id, done=done))


SOURCES = {
    "web": N_("aangevinkt op het web"),
    "text": N_("getypt in een bericht"),
    "key": N_("toets ingedrukt"),
    "button": N_("op een knop getikt in de chat"),
    "speech": N_("uitgesproken"),
    "paper": N_("aangekruist op papier"),
    "staff": N_("ingevuld door een medewerker"),
}


def context(session: Session, contribution: Contribution) -> dict[str, Any]:
    """Return what the contribution page shows of the closed questions: each with its answer."""
    answers = {a.question.key: a for a in contribution.closed_answers}
    asked = (
        service.current(session, contribution.consultation_id)
        if contribution.consultation_id
        else []
    )
    # A paper form keeps the image of each question's boxes: staff answer from it.
    images: dict[str, int] = {}
    for attachment in contribution.attachments:
        crop = FieldCrop.of(attachment.details)
        if crop is not None and attachment.sha256:
            images.setdefault(crop.field, attachment.id)
    rows = [
        (a.question, a, AnswerEvidence.from_json(a.evidence), images.get(paper_field(key)))
        for key, a in answers.items()
    ]
    rows += [(q, None, None, images.get(paper_field(q.key))) for q in asked if q.key not in answers]
    return {"closed_rows": rows, "answer_source": lambda source: _(SOURCES.get(source, source))}


@blueprint.post("/c/<int:contribution_id>/closed/<int:question_id>")
@requires(Role.MODERATOR)
def answer_correct(contribution_id: int, question_id: int) -> Response:
    """Correct a closed question's answer as staff read the evidence, or fill it in (logged)."""
    session = db_session()
    contribution = session.get(Contribution, contribution_id)
    question = session.get(ClosedQuestion, question_id)
    if contribution is None or question is None:
        abort(404)
    if question.consultation_id != contribution.consultation_id:
        abort(404)
    option = request.form.get("option", "")
    existing = next((a for a in contribution.closed_answers if a.question_id == question.id), None)
    try:
        if existing is not None:
            before = existing.option
            service.correct(session, existing, option, staff().id)
        else:
            before = None
            evidence = AnswerEvidence(source="staff", corrected_by=staff().id)
            given = [GivenAnswer(question.id, option, evidence)]
            service.record_answers(session, contribution.id, contribution.contributor_id, given)
    except service.QuestionError:
        abort(400)
    record(
        session,
        "answer.correct",
        "contribution",
        contribution.id,
        question=question.key,
        version=question.version,
        before=before,
        after=option,
    )
    session.commit()
    return redirect(url_for("admin.detail", contribution_id=contribution.id, done="closed"))
