"""One contribution: its text and originals, and everything staff do to review it."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from admin import review, scope
from admin.audit import record
from admin.auth import requires, staff
from admin.blueprint import blueprint
from admin.replies import (
    TEMPLATES,
    can_reply,
    reply,
    reply_channel,
    status_update,
    template_text,
)
from admin.views import questions as closed
from admin.views import related
from admin.views.contact import SAID
from admin.views.media import personal_media_url
from intake.contacts.held import progress
from intake.current import db_session, runtime
from intake.evidence import (
    FIELDS,
    FieldCrop,
    MissingMedia,
    Transcript,
    first_transcript,
    form_fields,
)
from intake.i18n import N_
from intake.i18n import gettext as _
from intake.models import (
    Consultation,
    Contribution,
    ContributionStatus,
    OutboundMessage,
    Role,
    StaffUser,
)
from intake.personal import is_personal_evidence, only_personal, without_personal

DONE = {
    "text": N_("De tekst is bewaard. De vorige versie staat in de geschiedenis."),
    "status": N_("De status is bewaard."),
    "tags": N_("De labels zijn bewaard."),
    "note": N_("De notitie is bewaard."),
    "assign": N_("De toewijzing is bewaard."),
    "consultation": N_("De bijdrage staat nu bij de gekozen bevraging."),
    "reply": N_("Het bericht staat klaar om te versturen."),
    "assisted": N_("De bijdrage is bewaard."),
    "publication": N_("De keuze voor de resultatenpagina is bewaard."),
    "theme": N_("Het thema is bewaard."),
    "link": N_("De bijdragen zijn gekoppeld."),
    "unlink": N_("De koppeling is weggehaald."),
    "contact": N_("Het contactadres is bevestigd. Antwoorden en nieuws kunnen er nu naartoe."),
    "code": N_("Er is een nieuwe code gestuurd. Een vorige code werkt niet meer."),
    "closed": N_("Het antwoord is bewaard."),
}


def _contribution(contribution_id: int) -> Contribution:
    contribution = db_session().get(Contribution, contribution_id)
    if contribution is None:
        abort(404)
    return contribution


def transcript_of(contribution: Contribution) -> Transcript | None:
    """Return what the recogniser heard in the contribution's recording, if anything."""
    # Older contributions may carry the words in their answers instead of on the recording.
    return first_transcript([*(a.details for a in contribution.attachments), contribution.answers])


def page(contribution: Contribution, status: int = 200, **extra: Any) -> tuple[str, int]:
    """Render the contribution's page; `extra` fills in errors and the personal view."""
    session = db_session()
    state = session.get(review.ReviewState, contribution.id)
    colleagues = session.scalars(
        select(StaffUser)
        .where(StaffUser.active, StaffUser.role != Role.VIEWER)
        .order_by(StaffUser.email)
    ).all()
    messages = session.scalars(
        select(OutboundMessage)
        .where(OutboundMessage.contribution_id == contribution.id)
        .order_by(OutboundMessage.id)
    ).all()
    language = (
        contribution.contributor.preferred_language
        if contribution.contributor
        else contribution.language
    )
    done = request.args.get("done")
    said = request.args.get("said")
    held = progress(session, contribution.id)
    shown = bool(extra.get("personal"))
    shown_answers = without_personal(contribution.answers)
    return render_template(
        "admin/detail.html",
        c=contribution,
        # Form fields and recognised words are shown from their types, the rest as they are.
        answers={k: v for k, v in shown_answers.items() if k not in (FIELDS, "words")},
        fields=form_fields(shown_answers),
        evidence=[a for a in contribution.attachments if not is_personal_evidence(a.details)],
        personal_answers=only_personal(contribution.answers) if shown else {},
        personal_evidence=[
            (a, personal_media_url(a.id))
            for a in contribution.attachments
            if shown and a.sha256 and is_personal_evidence(a.details)
        ],
        state=state,
        transcript=transcript_of(contribution),
        missing={a.id: MissingMedia.of(a.details) for a in contribution.attachments},
        crops={a.id: FieldCrop.of(a.details) for a in contribution.attachments},
        history=review.history(session, contribution.id),
        tags=review.tags_of(session, contribution.id),
        notes=review.notes(session, contribution.id),
        colleagues=colleagues,
        consultations=session.scalars(
            scope.consultations(select(Consultation).order_by(Consultation.id), Role.MODERATOR)
        ).all(),
        messages=messages,
        can_reply=can_reply(contribution),
        reply_via=reply_channel(contribution),
        templates={key: template_text(key, language, contribution.reference) for key in TEMPLATES},
        statuses=list(ContributionStatus),
        done=_(DONE[done]) if done in DONE else None,
        held=held,
        can_text=bool(held and held.kind in runtime().registry.deliverers),
        **related.context(session, contribution),
        **closed.context(session, contribution),
        **{
            "personal": False,
            "error": _(SAID[said]) if said in SAID else None,
            "erase_reason": "",
            **extra,
        },
    ), status


def _done(contribution: Contribution, what: str) -> Response:
    db_session().commit()
    return redirect(url_for("admin.detail", contribution_id=contribution.id, done=what))


@blueprint.get("/c/<int:contribution_id>")
def detail(contribution_id: int) -> tuple[str, int]:
    """Show a contribution with its originals, history, notes and review forms."""
    return page(_contribution(contribution_id))


@blueprint.post("/c/<int:contribution_id>/personal")
@requires(Role.MODERATOR)
def personal(contribution_id: int) -> tuple[str, int]:
    """Show the resident's name and contact details, and log that they were seen."""
    contribution = _contribution(contribution_id)
    record(db_session(), "personal.view", "contribution", contribution.id)
    db_session().commit()
    return page(contribution, personal=True)


@blueprint.post("/c/<int:contribution_id>/text")
@requires(Role.MODERATOR)
def correct(contribution_id: int) -> Response:
    """Save a corrected text; the one before goes to the history."""
    contribution = _contribution(contribution_id)
    review.correct_text(db_session(), contribution, request.form.get("text", ""), staff().id)
    return _done(contribution, "text")


@blueprint.post("/c/<int:contribution_id>/status")
@requires(Role.MODERATOR)
def change_status(contribution_id: int) -> Response | tuple[str, int]:
    """Change the status with a reason; tell the resident when they asked for updates."""
    contribution = _contribution(contribution_id)
    session = db_session()
    try:
        changed = review.set_status(
            session,
            contribution,
            request.form.get("status", ""),
            request.form.get("reason", ""),
            request.form.get("duplicate_of", ""),
        )
    except review.ReviewError as error:
        session.rollback()
        return page(contribution, 422, error=str(error))
    if changed:
        status_update(session, contribution)
    return _done(contribution, "status")


@blueprint.post("/c/<int:contribution_id>/tags")
@requires(Role.MODERATOR)
def tags(contribution_id: int) -> Response:
    """Save the contribution's labels (comma-separated)."""
    contribution = _contribution(contribution_id)
    review.set_tags(db_session(), contribution.id, request.form.get("tags", "").split(","))
    return _done(contribution, "tags")


@blueprint.post("/c/<int:contribution_id>/note")
@requires(Role.MODERATOR)
def note(contribution_id: int) -> Response:
    """Add a note for colleagues."""
    contribution = _contribution(contribution_id)
    review.add_note(db_session(), contribution.id, request.form.get("note", ""), staff().id)
    return _done(contribution, "note")


@blueprint.post("/c/<int:contribution_id>/assign")
@requires(Role.MODERATOR)
def assign(contribution_id: int) -> Response:
    """Give the contribution to a colleague, or to nobody."""
    contribution = _contribution(contribution_id)
    chosen = request.form.get("assignee", "")
    review.assign(db_session(), contribution.id, int(chosen) if chosen.isdigit() else None)
    return _done(contribution, "assign")


@blueprint.post("/c/<int:contribution_id>/consultation")
@requires(Role.MODERATOR)
def move(contribution_id: int) -> Response | tuple[str, int]:
    """File the contribution under another consultation (e.g. a letter without a QR code)."""
    contribution = _contribution(contribution_id)
    chosen = request.form.get("consultation_id", "")
    target = int(chosen) if chosen.isdigit() else None
    if target is not None and not scope.current().moderates(target):
        target = None
    if not review.move_to_consultation(db_session(), contribution, target):
        return page(contribution, 422, error=_("Kies een bevraging."))
    return _done(contribution, "consultation")


@blueprint.post("/c/<int:contribution_id>/reply")
@requires(Role.MODERATOR)
def send_reply(contribution_id: int) -> Response | tuple[str, int]:
    """Queue a message to the resident through the channel they used."""
    contribution = _contribution(contribution_id)
    session = db_session()
    language = (
        contribution.contributor.preferred_language
        if contribution.contributor
        else contribution.language
    )
    key = request.form.get("template", "")
    body = (
        template_text(key, language, contribution.reference)
        if key in TEMPLATES
        else request.form.get("body", "")
    )
    message = reply(session, contribution, body) if body.strip() else None
    if message is None:
        return page(contribution, 422, error=_("Dit bericht kan niet worden verstuurd."))
    record(session, "contribution.reply", "contribution", contribution.id, message_id=message.id)
    return _done(contribution, "reply")
