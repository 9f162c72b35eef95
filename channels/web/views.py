"""The resident's web pages: open consultations, the form, the thank-you and status pages."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, g, make_response, redirect, render_template, request, url_for
from sqlalchemy import Connection, select
from werkzeug.wrappers import Response

from channels.web.adapter import FormInput, to_inbound, validate
from channels.web.thanks import thanks_page
from intake import consultations, ratelimit
from intake.csrf import CSRFError
from intake.i18n import gettext as _
from intake.models import Consultation, ConsultationStatus, Contribution
from intake.receive import Receipt, receive
from intake.references import normalise_reference
from intake.results import finished
from intake.web import db_session, runtime

blueprint = Blueprint("web", __name__, template_folder="templates")
KIOSK_RETURN_SECONDS = 60
KIOSK_RATE_FACTOR = 6


def _consultation(slug: str) -> Consultation:
    # A reading session of its own: a POST's writing session must not begin (and take
    # SQLite's write lock) before the view holds its turn to write.
    with runtime().db.session(write=False) as session:
        consultation = consultations.lookup(session, slug)
    if consultation is None or consultation.status == ConsultationStatus.DRAFT:
        abort(404)
    return consultation


def _form_page(
    consultation: Consultation, data: FormInput, status: int = 200, *, kiosk: bool = False
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
        max_length=settings.max_text_length,
        kiosk=kiosk,
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
    data.errors = validate(data, settings.max_text_length)
    if data.errors:
        return _form_page(consultation, data, 422, kiosk=kiosk)
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
        kiosk=kiosk,
    )

    def store(connection: Connection) -> Receipt | None:
        # The hit counts even when it is one too many: a flood stays limited.
        if not ratelimit.allow(connection, settings.secret_key, scope, address, limit, window):
            return None
        return receive(connection, inbound)

    receipt = runtime().db.write(store)
    if receipt is None:
        data.errors["form"] = _(
            "U hebt veel berichten kort na elkaar gestuurd. "
            "Probeer het over enkele minuten opnieuw."
        )
        return _form_page(consultation, data, 429, kiosk=kiosk)
    return _thanks(consultation, receipt.reference, contact=bool(inbound.sender), kiosk=kiosk)


def _thanks(
    consultation: Consultation, reference: str, *, contact: bool, kiosk: bool, stay: bool = False
) -> Response:
    page = thanks_page(
        consultation,
        reference,
        contact=contact,
        kiosk=kiosk,
        stay=stay,
        return_seconds=KIOSK_RETURN_SECONDS,
    )
    response = make_response(page)
    if kiosk and not stay:
        # Back to a blank form for the next person. WCAG 2.2.1 is met by the page's
        # "I need more time" link, which shows the same page without the time limit.
        blank = url_for("web.kiosk_form", slug=consultation.slug, lang=g.language)
        response.headers["Refresh"] = f"{KIOSK_RETURN_SECONDS}; url={blank}"
    return response


@blueprint.get("/kiosk/<slug>/thanks/<reference>")
def kiosk_thanks(slug: str, reference: str) -> Response:
    """Show the kiosk's thank-you page again, without returning to the form by itself."""
    normalised = normalise_reference(reference)
    if normalised is None:
        abort(404)
    return _thanks(_consultation(slug), normalised, contact=False, kiosk=True, stay=True)


@blueprint.get("/r")
def lookup() -> Response:
    """Send a typed reference to its status page."""
    reference = normalise_reference(request.args.get("reference", ""))
    if reference is None:
        return redirect(url_for("web.index", lang=g.language, unknown=1) + "#follow")
    return redirect(url_for("web.status", reference=reference, lang=g.language))


@blueprint.get("/r/<reference>")
def status(reference: str) -> str:
    """Show where a contribution stands, without any personal data."""
    normalised = normalise_reference(reference)
    contribution = (
        db_session().scalar(select(Contribution).where(Contribution.reference == normalised))
        if normalised
        else None
    )
    if contribution is None:
        abort(404)
    consultation = contribution.consultation
    texts = consultation.text_in(g.language) if consultation else None
    return render_template("web/status.html", contribution=contribution, texts=texts)


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
