"""Assisted entry: staff or volunteers type a contribution on behalf of a resident."""

from __future__ import annotations

import secrets
from typing import Any

from flask import redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from admin import scope
from admin.audit import record
from admin.auth import requires, staff
from admin.blueprint import blueprint
from admin.views.contact import staff_asker
from intake import questions
from intake.contacts.numbers import NumberRefusedError, mobile_number, refusal, what_we_text
from intake.contacts.send import offer
from intake.current import db_session, runtime
from intake.evidence import AnswerEvidence
from intake.i18n import LANGUAGES
from intake.i18n import gettext as _
from intake.inbound import Inbound, Sender
from intake.models import Consultation, ConsultationStatus, Role
from intake.receive import receive

CHANNEL = "assisted"


def _prefix(consultation_id: int) -> str:
    # Each consultation's questions have fields of their own: the page shows them all.
    return f"q{consultation_id}-"


def _page(data: dict[str, Any], errors: dict[str, str], code: int = 200) -> tuple[str, int]:
    session = db_session()
    consultations = list(
        session.scalars(
            scope.consultations(
                select(Consultation)
                .where(Consultation.status != ConsultationStatus.DRAFT)
                .order_by(Consultation.id.desc()),
                Role.MODERATOR,
            )
        )
    )
    data.setdefault("nonce", secrets.token_urlsafe(18))
    asked = [(c, questions.current(session, c.id)) for c in consultations]
    return render_template(
        "admin/assisted.html",
        consultations=consultations,
        asked=[
            (c, found, _prefix(c.id), questions.choices_in(data, _prefix(c.id)))
            for c, found in asked
            if found
        ],
        data=data,
        errors=errors,
        languages=LANGUAGES,
        numbers=what_we_text(runtime().settings.sms_regions),
    ), code


@blueprint.get("/assisted")
@requires(Role.MODERATOR)
def assisted() -> tuple[str, int]:
    """Show the form for a contribution made with help."""
    return _page({"language": "nl"}, {})


@blueprint.post("/assisted")
@requires(Role.MODERATOR)
def assisted_post() -> Response | tuple[str, int]:
    """Store the contribution through the same door as every channel, noting who helped."""
    form = request.form
    data = {key: form.get(key, "").strip() for key in form if key != "csrf_token"}
    session = db_session()
    errors = {}
    consultation_id = data.get("consultation", "")
    consultation = (
        session.get(Consultation, int(consultation_id)) if consultation_id.isdigit() else None
    )
    if consultation is None or not scope.current().moderates(consultation.id):
        consultation = None
        errors["consultation"] = _("Kies een bevraging.")
    if not data.get("text"):
        errors["text"] = _("Schrijf op wat de inwoner wil zeggen.")
    asked = questions.current(session, consultation.id) if consultation else []
    choices = questions.choices_in(data, _prefix(consultation.id)) if consultation else {}
    if consultation is not None:
        errors.update(questions.check_choices(choices, asked, _prefix(consultation.id)))
    language = data.get("language") if data.get("language") in LANGUAGES else "nl"
    settings = runtime().settings
    number = None
    if data.get("phone"):
        try:
            number = mobile_number(data["phone"], settings.sms_regions)
        except NumberRefusedError as refused:
            errors["phone"] = refusal(refused.problem, settings.sms_regions)
    if errors or consultation is None:
        return _page(data, errors, 422)
    # The resident is at the desk, but a number typed by anyone waits for its code all the
    # same: they tell staff the code from the SMS they get (see the contribution's page).
    sender = (
        Sender.of(
            settings.secret_key,
            "phone",
            number,
            may_reply=True,
            confirmed=False,
            wants_updates=form.get("wants_updates") == "1",
        )
        if number
        else None
    )
    helper = data.get("helper") or staff().email
    receipt = receive(
        session,
        Inbound(
            channel=CHANNEL,
            language=language,
            text=data["text"],
            consultation_id=consultation.id,
            channel_message_id=data.get("nonce") or None,
            sender=sender,
            author_name=data.get("author_name") or None,
            postcode=data.get("postcode") or None,
            answers={"assisted_by": staff().id, "helper": helper},
            closed_answers=questions.given_choices(
                choices, asked, AnswerEvidence(source="staff", corrected_by=staff().id)
            ),
        ),
    )
    if receipt.created:
        record(session, "contribution.assisted", "contribution", receipt.id)
    if receipt.held_contact_id is not None:
        offer(
            session,
            receipt.held_contact_id,
            settings,
            asker=staff_asker(),
            deliverers=runtime().registry.deliverers,
        )
    session.commit()
    return redirect(url_for("admin.detail", contribution_id=receipt.id, done="assisted"))
