"""The resident's web pages: consultations, the form, thanks, status, confirmation, results."""

from __future__ import annotations

import logging
import secrets

from flask import Blueprint, abort, g, make_response, redirect, render_template, request, url_for
from sqlalchemy import Connection
from werkzeug.wrappers import Response

from channels.web import contact
from channels.web.adapter import CHANNEL, QUESTION_FIELD, FormInput, to_inbound, validate
from channels.web.contact import KIOSK_RATE_FACTOR
from channels.web.thanks import thanks_page
from intake import consultations, questions, ratelimit
from intake.contacts.confirm import Check
from intake.contacts.numbers import what_we_text
from intake.csrf import CSRFError
from intake.current import db_session, runtime
from intake.db import UNAVAILABLE
from intake.errors import describe
from intake.evidence import AnswerEvidence
from intake.i18n import gettext as _
from intake.labels import channel_label, consultation_state, language_label
from intake.models import (
    ClosedQuestion,
    Consultation,
    ConsultationStatus,
    Contribution,
    utcnow,
)
from intake.receive import Receipt, receive
from intake.references import normalise_reference
from intake.reporting.charts import bar_chart
from intake.reporting.questions import tally
from intake.reporting.results import finished, long_date, results_of

blueprint = Blueprint("web", __name__, template_folder="templates")
log = logging.getLogger("inspraak.web")
KIOSK_RETURN_SECONDS = 60
# What the pages may say after a step; anything else in `?said=` is ignored.
SAID = ("confirmed", "wrong", "used_up", "silenced", "sent", "limited")
# Results change slowly and the page holds nothing personal: shared caches may keep it a while.
RESULTS_CACHE_SECONDS = 300


@blueprint.after_request
def _kiosk_forgets(response: Response) -> Response:
    # A shared tablet: the back button or a reopened tab must not show the last
    # person's words, name or code, so no kiosk page is kept, not even in memory.
    if (request.endpoint or "").startswith("web.kiosk_"):
        response.headers["Cache-Control"] = "no-store"
    return response


def _questions(consultation: Consultation) -> list[ClosedQuestion]:
    with runtime().db.session(write=False) as session:
        return questions.asked(session, consultation.id)


def _consultation(slug: str) -> Consultation:
    # A reading session of its own: a POST's writing session must not begin (and take
    # SQLite's write lock) before the view holds its turn to write.
    with runtime().db.session(write=False) as session:
        consultation = consultations.lookup(session, slug)
    if consultation is None or consultation.status == ConsultationStatus.DRAFT:
        abort(404)
    return consultation


def _form_page(
    consultation: Consultation,
    data: FormInput,
    status: int = 200,
    *,
    kiosk: bool = False,
    asked: list[ClosedQuestion] | None = None,
) -> tuple[str, int]:
    if not data.nonce:
        data.nonce = secrets.token_urlsafe(18)
    texts = consultation.text_in(g.language)
    settings = runtime().settings
    return render_template(
        "web/form.html",
        consultation=consultation,
        texts=texts,
        data=data,
        questions=asked if asked is not None else _questions(consultation),
        max_length=settings.max_text_length,
        kiosk=kiosk,
        numbers=what_we_text(settings.sms_regions),
    ), status


@blueprint.get("/")
def index() -> str:
    """List the consultations residents can take part in now, and those with results."""
    session = db_session()
    return render_template(
        "web/index.html",
        consultations=consultations.open_now(session),
        finished=finished(session),
    )


@blueprint.get("/c/<slug>")
def form(slug: str) -> tuple[str, int]:
    """Show a consultation's question and the form to answer it."""
    return _form_page(_consultation(slug), FormInput())


@blueprint.post("/c/<slug>")
def submit(slug: str) -> Response | tuple[str, int]:
    """Store an answer and show its reference; on a problem, show the form again, text kept."""
    return _submit(slug, kiosk=False)


@blueprint.get("/kiosk/<slug>")
def kiosk_form(slug: str) -> tuple[str, int]:
    """Show the form for a shared tablet at a desk or meeting: large, and forgetful."""
    return _form_page(_consultation(slug), FormInput(), kiosk=True)


@blueprint.post("/kiosk/<slug>")
def kiosk_submit(slug: str) -> Response | tuple[str, int]:
    """Store an answer from the kiosk; its thank-you page returns to a blank form."""
    return _submit(slug, kiosk=True)


def _submit(slug: str, *, kiosk: bool) -> Response | tuple[str, int]:
    consultation = _consultation(slug)
    data = FormInput.from_form(request.form)
    if not consultation.is_open():
        data.errors["form"] = _("Deze bevraging is afgesloten. U kunt niet meer reageren.")
        return _form_page(consultation, data, 409, kiosk=kiosk)
    if request.form.get("website"):
        data.errors["form"] = _("Uw bericht kon niet worden verstuurd. Laat het laatste veld leeg.")
        return _form_page(consultation, data, 400, kiosk=kiosk)
    settings = runtime().settings
    asked = _questions(consultation)
    data.errors = validate(data, settings.max_text_length, settings.sms_regions)
    data.errors.update(questions.check_choices(data.choices, asked, QUESTION_FIELD))
    if data.errors:
        return _form_page(consultation, data, 422, kiosk=kiosk, asked=asked)
    address = request.remote_addr or "unknown"
    # Everyone at a kiosk shares its address: it may send more, though still not a flood.
    limit = settings.web_rate_limit * (KIOSK_RATE_FACTOR if kiosk else 1)
    scope = "kiosk" if kiosk else "web"
    window = settings.web_rate_window_seconds
    inbound = to_inbound(
        data,
        consultation_id=consultation.id,
        language=g.language,
        secret=settings.secret_key,
        regions=settings.sms_regions,
        kiosk=kiosk,
        closed_answers=questions.given_choices(data.choices, asked, AnswerEvidence(source=CHANNEL)),
    )
    asker = contact.asker(kiosk=kiosk) if inbound.sender else None
    link = contact.link_prefix() if inbound.sender else None

    def store(connection: Connection) -> tuple[Receipt, str | None] | None:
        # The hit counts even when it is one too many: a flood stays limited.
        if not ratelimit.allow(connection, settings.secret_key, scope, address, limit, window):
            return None
        receipt = receive(connection, inbound)
        if asker is None or link is None:
            return receipt, None
        return receipt, contact.after_receiving(connection, receipt, asker, link)

    try:
        stored = runtime().db.write(store)
    except UNAVAILABLE as error:
        # A full disk or a database away: the page keeps the text, to send again later.
        log.warning("web form not stored: database unavailable (%s)", describe(error))
        data.errors["form"] = _(
            "Uw bericht kon nu niet worden bewaard. Het staat hieronder nog: "
            "verstuur het over enkele minuten opnieuw."
        )
        return _form_page(consultation, data, 503, kiosk=kiosk)
    if stored is None:
        data.errors["form"] = _(
            "U hebt veel berichten kort na elkaar gestuurd. "
            "Probeer het over enkele minuten opnieuw."
        )
        return _form_page(consultation, data, 429, kiosk=kiosk)
    receipt, shown = stored
    return _thanks(consultation, receipt.reference, contact=shown, kiosk=kiosk)


def _thanks(
    consultation: Consultation,
    reference: str,
    *,
    contact: str | None,
    kiosk: bool,
    stay: bool = False,
    said: str | None = None,
) -> Response:
    page = thanks_page(
        consultation,
        reference,
        contact=contact,
        kiosk=kiosk,
        stay=stay,
        return_seconds=KIOSK_RETURN_SECONDS,
        said=said,
    )
    response = make_response(page)
    if kiosk and not stay:
        # Back to a blank form for the next person. WCAG 2.2.1 is met by the page's
        # "I need more time" link, which shows the same page without the time limit.
        blank = url_for("web.kiosk_form", slug=consultation.slug, lang=g.language)
        response.headers["Refresh"] = f"{KIOSK_RETURN_SECONDS}; url={blank}"
    return response


@blueprint.get("/kiosk/<slug>/thanks/<reference>")
def kiosk_thanks(slug: str, reference: str) -> Response | tuple[str, int]:
    """Show the kiosk's thank-you page again, without returning to the form by itself."""
    normalised = normalise_reference(reference)
    if normalised is None:
        abort(404)
    consultation = _consultation(slug)
    looked_up = contact.look_up(normalised, kiosk=True)
    if looked_up is None:
        return contact.too_many()
    return _thanks(consultation, normalised, contact=looked_up.shown, kiosk=True, stay=True)


@blueprint.post("/kiosk/<slug>/thanks/<reference>")
def kiosk_confirm(slug: str, reference: str) -> Response | tuple[str, int]:
    """Take the code the resident got by SMS, typed at the kiosk."""
    normalised = normalise_reference(reference)
    if normalised is None:
        abort(404)
    consultation = _consultation(slug)
    checked = contact.check(normalised, request.form.get("code", ""), kiosk=True)
    if checked is None:
        return contact.too_many()
    done = checked.said == "confirmed"
    # Confirmed: back to a blank form in a while, as after sending. Not yet: no time limit.
    return _thanks(
        consultation,
        normalised,
        contact=checked.shown,
        kiosk=True,
        stay=not done,
        said=checked.said,
    )


@blueprint.get("/r/<reference>")
def status(reference: str) -> str | tuple[str, int]:
    """Show where a contribution stands, without any personal data."""
    normalised = normalise_reference(reference)
    looked = contact.look_up(normalised)
    if looked is None:
        return contact.too_many()
    if looked.contribution_id is None:
        abort(404)
    contribution = db_session().get(Contribution, looked.contribution_id)
    if contribution is None:
        abort(404)
    consultation = contribution.consultation
    said = request.args.get("said")
    return render_template(
        "web/status.html",
        contribution=contribution,
        texts=consultation.text_in(g.language) if consultation else None,
        contact=looked.shown,
        said=said if said in SAID else None,
    )


@blueprint.post("/r/<reference>/confirm")
def confirm_code(reference: str) -> Response | tuple[str, int]:
    """Take the code a resident got by SMS; then show the status page again."""
    normalised = normalise_reference(reference)
    if normalised is None:
        abort(404)
    checked = contact.check(normalised, request.form.get("code", ""))
    if checked is None:
        return contact.too_many()
    if not checked.found:
        abort(404)
    return redirect(url_for("web.status", reference=normalised, lang=g.language, said=checked.said))


@blueprint.post("/r/<reference>/code")
def new_code(reference: str) -> Response | tuple[str, int]:
    """Send a new code or link to a contribution's contact, within the limits."""
    normalised = normalise_reference(reference)
    if normalised is None:
        abort(404)
    done = contact.send_again(normalised)
    if done is None:
        return contact.too_many()
    found, said = done
    if not found:
        abort(404)
    return redirect(url_for("web.status", reference=normalised, lang=g.language, said=said))


@blueprint.get("/confirm/<token>")
def confirm_link(token: str) -> str | tuple[str, int]:
    """Show the page an e-mailed link opens; only its button confirms (scanners follow links)."""
    valid = contact.link_is_valid(token)
    if valid is None:
        return contact.too_many()
    return render_template("web/confirm.html", token=token, valid=valid, said=None)


@blueprint.post("/confirm/<token>")
def confirm_link_post(token: str) -> Response | tuple[str, int]:
    """Confirm the e-mail address a link was sent to, once; then show the status page."""
    done = contact.follow(token)
    if done is None:
        return contact.too_many()
    outcome, reference = done
    if reference is not None:
        return redirect(
            url_for("web.status", reference=reference, lang=g.language, said="confirmed")
        )
    return render_template(
        "web/confirm.html", token=token, valid=False, said=outcome.value
    ), 410 if outcome is Check.USED_UP else 409


@blueprint.get("/c/<slug>/results")
def results(slug: str) -> Response:
    """Show how many took part, the confirmed themes with quotes, and the decisions."""
    session = db_session()
    consultation = consultations.lookup(session, slug)
    if consultation is None or consultation.status == ConsultationStatus.DRAFT:
        abort(404)
    found = results_of(session, consultation, g.language)
    ended = consultation.closes_at is not None and consultation.closes_at <= utcnow()
    state = ConsultationStatus.CLOSED if ended else consultation.status
    charts = [
        (
            bar_chart(_("Per kanaal"), [(channel_label(k), n) for k, n in found.per_channel]),
            _("Kanaal"),
        ),
        (
            bar_chart(_("Per taal"), [(language_label(k), n) for k, n in found.per_language]),
            _("Taal"),
        ),
    ]
    tallies = (
        tally(session, consultation.id, g.language) if consultation.closed_results_public else []
    )
    page = render_template(
        "web/results.html",
        tallies=tallies,
        language_label=language_label,
        consultation=consultation,
        texts=consultation.text_in(g.language),
        state=consultation_state(state),
        is_open=consultation.is_open(),
        results=found,
        charts=charts,
        long_date=long_date,
        channel_label=channel_label,
    )
    response = make_response(page)
    response.headers["Cache-Control"] = f"public, max-age={RESULTS_CACHE_SECONDS}"
    response.vary.add("Accept-Language")
    return response


@blueprint.get("/r")
def lookup() -> Response:
    """Send a typed reference to its status page."""
    reference = normalise_reference(request.args.get("reference", ""))
    if reference is None:
        return redirect(url_for("web.index", lang=g.language, unknown=1) + "#follow")
    return redirect(url_for("web.status", reference=reference, lang=g.language))


@blueprint.get("/privacy")
def privacy() -> str:
    """Tell residents what is kept, where, for how long, and what stays at the providers."""
    return render_template(
        "web/privacy.html", delete_at_provider=runtime().settings.delete_at_provider
    )


def render_csrf_failure(error: CSRFError) -> tuple[str, int]:
    """Show the form again with the resident's text when their page had gone stale."""
    slug = (request.view_args or {}).get("slug")
    if request.endpoint != "web.submit" or not slug:
        return render_template("error.html", error=error), 400
    data = FormInput.from_form(request.form)
    data.nonce = ""
    data.errors["form"] = _(
        "De pagina stond te lang open. Uw tekst staat er nog: druk opnieuw op Versturen."
    )
    return _form_page(_consultation(slug), data, 400)
