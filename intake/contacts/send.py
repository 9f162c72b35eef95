"""Sending a typed address its confirmation: within limits, and only to that address.

A phone number gets a six-digit code by SMS, an e-mail address a link. The code or link
is made by the worker at the moment it is sent and kept only as a keyed hash: neither the
database nor the staff's list of messages ever holds it.
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from intake import ratelimit
from intake.config import Settings
from intake.contacts.held import code_hash, link_hash, silenced
from intake.db import Executor, insert
from intake.i18n import gettext as _
from intake.i18n import using_language
from intake.jobs import PermanentJobError
from intake.models import ContactConfirmation, Job, OutboundMessage, utcnow
from intake.outbound import RecipientGoneError, outgoing
from intake.plugins import JobContext
from intake.usage import count_sent

CONFIRM_JOB = "contacts.send_confirmation"
CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=30)
LINK_LIFETIME = timedelta(hours=48)
DAY_SECONDS = 86_400
# What staff see in place of the code or link in the list of messages.
HIDDEN_CODE = "······"
HIDDEN_LINK = "…"
_table = ContactConfirmation.__table__


class Offer(enum.StrEnum):
    """What came of asking to send a confirmation."""

    SENT = "sent"
    # Sent nowhere, though it looks the same from outside: the number asked us to stop.
    WITHHELD = "withheld"
    LIMITED = "limited"
    NO_SENDER = "no_sender"
    CONFIRMED = "confirmed"
    GONE = "gone"


@dataclass(frozen=True)
class Asker:
    """Who asks for a confirmation: their own daily limit, apart from the address's."""

    scope: str
    key: str
    limit: int


def lifetime(kind: str) -> timedelta:
    """Return how long a code (phone) or link (e-mail) may be used."""
    return CODE_LIFETIME if kind == "phone" else LINK_LIFETIME


def message(kind: str, language: str, secret: str) -> str:
    """Write the confirmation for `kind` in `language`: `secret` is the code or the link."""
    with using_language(language):
        if kind == "phone":
            return _(
                "Uw code is %(code)s. Typ hem op de website van de gemeente om uw nummer te "
                "bevestigen. Niet gevraagd? Negeer dit bericht.",
                code=secret,
            )
        return _(
            "Bevestig dat dit uw e-mailadres is: open deze link en druk op de knop.\n\n"
            "%(link)s\n\n"
            "Niet gevraagd? Negeer dit bericht. Zonder bevestiging schrijven we u niet.",
            link=secret,
        )


def _within_limits(session: Executor, settings: Settings, asker: Asker, address_hash: str) -> bool:
    # The asker first: one who floods does not use up the address's or the day's limit.
    limits = (
        (f"confirm-{asker.scope}", asker.key, asker.limit),
        ("confirm-address", address_hash, settings.confirmations_per_address),
        ("confirm-day", "all", settings.confirmations_per_day),
    )
    return all(
        ratelimit.allow(session, settings.secret_key, scope, key, limit, DAY_SECONDS)
        for scope, key, limit in limits
    )


def offer(
    session: Executor,
    contact_id: int,
    settings: Settings,
    *,
    asker: Asker,
    deliverers: Mapping[str, str],
    link_prefix: str | None = None,
) -> Offer:
    """Queue a new code or link for a typed address, if the limits allow; earlier ones end.

    `deliverers` name the channel that delivers to each kind of address (the registry's);
    `link_prefix` is the address of the
    confirmation page, to which the worker adds the link's token (none: no e-mail link).
    Writes in the caller's transaction.
    """
    row = session.execute(
        select(
            _table.c.kind,
            _table.c.address_hash,
            _table.c.address,
            _table.c.language,
            _table.c.contribution_id,
            _table.c.confirmed_at,
        ).where(_table.c.id == contact_id)
    ).first()
    if row is None or row.address is None:
        return Offer.GONE
    if row.confirmed_at is not None:
        return Offer.CONFIRMED
    channel = deliverers.get(row.kind)
    if channel is None or (row.kind == "email" and link_prefix is None):
        return Offer.NO_SENDER
    if not _within_limits(session, settings, asker, row.address_hash):
        return Offer.LIMITED
    # Until the worker sends the real one, the hash of a code nobody knows: a guess is
    # simply wrong, whether or not anything will be sent.
    placeholder = code_hash(settings.secret_key, contact_id, secrets.token_hex(16))
    session.execute(
        update(_table)
        .where(_table.c.id == contact_id)
        .values(
            secret_hash=placeholder,
            expires_at=utcnow() + lifetime(row.kind),
            attempts=0,
            sends=_table.c.sends + 1,
        )
    )
    # Checked after the limits and the new expiry, so that a number which sent STOP looks,
    # to whoever typed it, exactly like any other: nothing tells them it opted out.
    if silenced(session, row.kind, row.address_hash):
        return Offer.WITHHELD
    hidden = message(row.kind, row.language, HIDDEN_CODE if row.kind == "phone" else HIDDEN_LINK)
    now = utcnow()
    message_id = session.execute(
        insert(session, OutboundMessage)
        .values(
            confirmation_id=contact_id,
            contribution_id=row.contribution_id,
            channel=channel,
            language=row.language,
            body=hidden,
            status="queued",
            created_at=now,
        )
        .returning(OutboundMessage.__table__.c.id)
    ).scalar_one()
    payload: dict[str, Any] = {"message_id": message_id}
    if link_prefix is not None:
        payload["link_prefix"] = link_prefix
    session.execute(
        insert(session, Job).values(
            kind=CONFIRM_JOB,
            payload=payload,
            contribution_id=row.contribution_id,
            status="queued",
            attempts=0,
            max_attempts=5,
            run_after=now,
            created_at=now,
        )
    )
    return Offer.SENT


def send_confirmation(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Make a fresh code or link, keep its hash, and send it to the held address only."""
    sent = session.get(OutboundMessage, payload["message_id"])
    if sent is None or sent.confirmation_id is None or sent.status != "queued":
        return
    held = session.get(ContactConfirmation, sent.confirmation_id)
    if (
        held is None
        or held.address is None
        or held.confirmed_at is not None
        or silenced(session, held.kind, held.address_hash)
    ):
        sent.status = "suppressed"
        return
    registry = ctx.runtime.registry
    if sent.channel not in registry.senders:
        raise PermanentJobError(f"no sender for channel {sent.channel!r}")
    key = ctx.runtime.settings.secret_key
    if held.kind == "phone":
        secret = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        held.secret_hash = code_hash(key, held.id, secret)
    else:
        token = secrets.token_urlsafe(32)
        secret = str(payload["link_prefix"]) + token
        held.secret_hash = link_hash(key, token)
    held.expires_at = utcnow() + lifetime(held.kind)
    held.attempts = 0
    body = message(held.kind, held.language, secret)
    try:
        sent.provider_message_id = registry.send(
            sent.channel,
            ctx.runtime,
            held.address,
            body,
            outgoing(session, sent, "confirmation"),
        )
    except RecipientGoneError as error:
        held.secret_hash = None
        sent.status = "failed"
        sent.error = str(error)
        return
    sent.status = "sent"
    sent.sent_at = utcnow()
    count_sent(session, registry.meters, sent.channel, body)
