"""Confirming a typed contact: the SMS code on the status page or kiosk, the e-mail link.

The status page and every code or link tried count against the network address's limit,
so references and codes cannot be tried one after another. The routes are in `views`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import render_template, request, url_for
from sqlalchemy import Connection, bindparam, select
from werkzeug.exceptions import TooManyRequests

from intake import ratelimit
from intake.contacts.confirm import Check, check_code, find_link, follow_link
from intake.contacts.held import Progress, progress
from intake.contacts.send import Asker, Offer, offer
from intake.current import runtime
from intake.db.prepared import Prepared
from intake.i18n import gettext as _
from intake.models import Contribution
from intake.receive import Receipt
from intake.tenancy import current_tenant_id

# Everyone at a kiosk shares its network address: it may send more, though still not a flood.
KIOSK_RATE_FACTOR = 6
_BY_REFERENCE = Prepared(
    select(Contribution.id).where(
        Contribution.reference == bindparam("reference"),
        Contribution.tenant_id == bindparam("tenant"),
    )
)
_REFERENCE = Prepared(select(Contribution.reference).where(Contribution.id == bindparam("id")))


@dataclass(frozen=True)
class Looked:
    """A contribution found by its reference, and what its page says about the contact."""

    contribution_id: int | None
    shown: str | None


@dataclass(frozen=True)
class Checked:
    """What came of a typed code, and what the page says about the contact afterwards."""

    found: bool
    said: str | None
    shown: str | None


def asker(*, kiosk: bool) -> Asker:
    """Return the limit on confirmations asked from this request's network address."""
    settings = runtime().settings
    address = request.remote_addr or "unknown"
    if kiosk:
        limit = settings.confirmations_per_network * KIOSK_RATE_FACTOR
        return Asker("kiosk", address, limit)
    return Asker("network", address, settings.confirmations_per_network)


def link_prefix() -> str:
    """Return the address of the e-mail link's page, to which the link's token is added."""
    base = runtime().settings.public_url or request.host_url.rstrip("/")
    return base + url_for("web.confirm_link", token="-").removesuffix("-")


def _senders() -> dict[str, str]:
    return runtime().registry.deliverers


def shown_now(held: Progress | None, senders: Mapping[str, str]) -> str | None:
    """Name what a page says about a contribution's typed contact, as it stands."""
    if held is None:
        return None
    if held.confirmed:
        return "confirmed"
    if held.address is None:
        return None
    phone = held.kind == "phone"
    if held.kind not in senders:
        return "no_sms" if phone else "no_email"
    if held.waiting:
        return "code" if phone else "link"
    return "ask" if phone else "ask_email"


def _shown_after(outcome: Offer, held: Progress) -> str | None:
    phone = held.kind == "phone"
    if outcome in (Offer.SENT, Offer.WITHHELD):
        return "code" if phone else "link"
    if outcome is Offer.LIMITED:
        return "limited"
    if outcome is Offer.NO_SENDER:
        return "no_sms" if phone else "no_email"
    if outcome is Offer.CONFIRMED:
        return "confirmed"
    return None


def after_receiving(
    connection: Connection, receipt: Receipt, asker: Asker, link: str
) -> str | None:
    """Send a new contribution's typed contact its confirmation; say what the page shows."""
    held = progress(connection, receipt.id)
    if held is None:
        return None
    if not receipt.created or receipt.held_contact_id is None:
        return shown_now(held, _senders())  # a double click: the first one asked already
    settings = runtime().settings
    outcome = offer(
        connection, held.id, settings, asker=asker, deliverers=_senders(), link_prefix=link
    )
    return _shown_after(outcome, held)


def _allowed(connection: Connection, *, kiosk: bool = False) -> bool:
    settings = runtime().settings
    return ratelimit.allow(
        connection,
        settings.secret_key,
        "status",
        request.remote_addr or "unknown",
        settings.status_rate_limit * (KIOSK_RATE_FACTOR if kiosk else 1),
        settings.status_rate_window_seconds,
    )


def too_many() -> tuple[str, int]:
    """Render the friendly page for one who looked up too much too quickly."""
    message = _(
        "U hebt kort na elkaar veel codes opgezocht of getypt. "
        "Wacht enkele minuten en probeer het dan opnieuw."
    )
    return render_template("error.html", error=TooManyRequests(), message=message), 429


def _found(connection: Connection, reference: str | None) -> int | None:
    if not reference:
        return None
    return _BY_REFERENCE.scalar(connection, {"reference": reference, "tenant": current_tenant_id()})


def look_up(reference: str | None, *, kiosk: bool = False) -> Looked | None:
    """Find a contribution by reference, counted against the limit; None when over it."""

    def work(connection: Connection) -> Looked | None:
        if not _allowed(connection, kiosk=kiosk):
            return None
        found = _found(connection, reference)
        held = progress(connection, found) if found is not None else None
        return Looked(found, shown_now(held, _senders()))

    return runtime().db.write(work)


def check(reference: str, code: str, *, kiosk: bool = False) -> Checked | None:
    """Check a code typed for a contribution's contact; None when over the limit."""
    secret = runtime().settings.secret_key

    def work(connection: Connection) -> Checked | None:
        if not _allowed(connection, kiosk=kiosk):
            return None
        found = _found(connection, reference)
        held = progress(connection, found) if found is not None else None
        if found is None or held is None:
            return Checked(False, None, None)
        outcome = check_code(connection, held.id, code, secret)
        return Checked(True, outcome.value, shown_now(progress(connection, found), _senders()))

    return runtime().db.write(work)


def send_again(reference: str) -> tuple[bool, str | None] | None:
    """Send a new code or link to a contribution's contact, within the limits.

    Return whether the contribution exists and what its page says; None when over the limit.
    """
    settings = runtime().settings
    ask, link = asker(kiosk=False), link_prefix()

    def work(connection: Connection) -> tuple[bool, str | None] | None:
        if not _allowed(connection):
            return None
        found = _found(connection, reference)
        held = progress(connection, found) if found is not None else None
        if held is None:
            return False, None
        outcome = offer(
            connection, held.id, settings, asker=ask, deliverers=_senders(), link_prefix=link
        )
        sent = outcome in (Offer.SENT, Offer.WITHHELD)
        return True, "sent" if sent else "limited" if outcome is Offer.LIMITED else None

    return runtime().db.write(work)


def link_is_valid(token: str) -> bool | None:
    """Tell whether an e-mailed link can still confirm; None when over the limit."""
    secret = runtime().settings.secret_key

    def work(connection: Connection) -> bool | None:
        if not _allowed(connection):
            return None
        return find_link(connection, token, secret) is not None

    return runtime().db.write(work)


def follow(token: str) -> tuple[Check, str | None] | None:
    """Confirm the e-mail address a link was sent to, once; return the outcome and, when
    confirmed, the contribution's reference. None when over the limit."""
    secret = runtime().settings.secret_key

    def work(connection: Connection) -> tuple[Check, str | None] | None:
        if not _allowed(connection):
            return None
        outcome, contribution_id = follow_link(connection, token, secret)
        if outcome is not Check.CONFIRMED:
            return outcome, None
        return outcome, _REFERENCE.scalar(connection, {"id": contribution_id})

    return runtime().db.write(work)
