"""A contribution's typed contact: staff type the code a resident at the desk received."""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from werkzeug.wrappers import Response

from admin.audit import record
from admin.auth import requires, staff
from admin.blueprint import blueprint
from intake.contacts.confirm import Check, check_code
from intake.contacts.held import progress
from intake.contacts.send import Asker, Offer, offer
from intake.current import db_session, runtime
from intake.i18n import N_
from intake.models import Contribution, Role

# Staff enter many residents' contributions at a desk: more than one browser, not a flood.
STAFF_FACTOR = 6
SAID = {
    Check.WRONG: N_("Die code klopt niet. Vraag de inwoner de code nog eens voor te lezen."),
    Check.USED_UP: N_(
        "Deze code werkt niet meer: hij is te oud, of er werd te vaak een verkeerde code "
        "getypt. Stuur een nieuwe code."
    ),
    Check.SILENCED: N_(
        "Dit nummer vroeg om geen berichten meer (STOP). De inwoner moet eerst START sturen."
    ),
    Offer.LIMITED: N_("Er zijn vandaag al genoeg codes naar dit nummer gestuurd."),
    Offer.NO_SENDER: N_("Er kunnen nu geen sms'jes worden gestuurd."),
}


def staff_asker() -> Asker:
    """Return the daily limit on confirmations the signed-in staff member may ask for."""
    settings = runtime().settings
    return Asker("staff", str(staff().id), settings.confirmations_per_network * STAFF_FACTOR)


def _held(contribution_id: int) -> int:
    if db_session().get(Contribution, contribution_id) is None:
        abort(404)
    held = progress(db_session(), contribution_id)
    if held is None or held.confirmed:
        abort(409)
    return held.id


def _back(contribution_id: int, *, done: str | None = None, said: str | None = None) -> Response:
    return redirect(url_for("admin.detail", contribution_id=contribution_id, done=done, said=said))


@blueprint.post("/c/<int:contribution_id>/contact/confirm")
@requires(Role.MODERATOR)
def confirm_contact(contribution_id: int) -> Response:
    """Take the code the resident received and reads out; a right one confirms the contact."""
    held_id = _held(contribution_id)
    session = db_session()
    outcome = check_code(
        session, held_id, request.form.get("code", ""), runtime().settings.secret_key
    )
    record(session, "contact.confirm", "contribution", contribution_id, outcome=outcome.value)
    session.commit()
    if outcome is Check.CONFIRMED:
        return _back(contribution_id, done="contact")
    return _back(contribution_id, said=outcome.value)


@blueprint.post("/c/<int:contribution_id>/contact/code")
@requires(Role.MODERATOR)
def send_code(contribution_id: int) -> Response:
    """Send the contact a new code, within the same limits as residents have."""
    held_id = _held(contribution_id)
    session = db_session()
    outcome = offer(
        session,
        held_id,
        runtime().settings,
        asker=staff_asker(),
        deliverers=runtime().registry.deliverers,
    )
    record(session, "contact.code", "contribution", contribution_id, outcome=outcome.value)
    session.commit()
    if outcome in (Offer.SENT, Offer.WITHHELD):
        return _back(contribution_id, done="code")
    return _back(contribution_id, said=outcome.value)
