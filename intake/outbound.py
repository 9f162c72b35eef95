"""Replies and updates to residents: queued with their contribution, sent later by a job.

Messages go only to addresses proven to be the resident's (`Contributor.address_confirmed`).
The one message that goes to an address nobody proved yet is the confirmation itself,
which `intake.contacts.confirm` sends to the typed address it holds, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from intake.errors import SafeError
from intake.jobs import PermanentJobError, enqueue
from intake.models import Contribution, Contributor, OutboundMessage, utcnow
from intake.plugins import JobContext, Outgoing, Plugin

SEND_JOB = "outbound.send"


class RecipientGoneError(SafeError):
    """The provider says this resident can never be reached again (blocked bot, dead number)."""


def may_receive(contributor: Contributor) -> bool:
    """Tell whether messages may go to the resident: a proven address, and no STOP."""
    return bool(
        contributor.address is not None
        and contributor.address_confirmed
        and not contributor.opted_out
        and not contributor.unreachable
    )


def queue_message(
    session: Session,
    contributor: Contributor,
    channel: str,
    body: str,
    *,
    contribution_id: int | None = None,
) -> OutboundMessage | None:
    """Queue `body` for `contributor` through `channel`; None when they cannot receive it."""
    if not may_receive(contributor):
        return None
    message = OutboundMessage(
        contributor_id=contributor.id,
        contribution_id=contribution_id,
        channel=channel,
        language=contributor.preferred_language,
        body=body,
    )
    session.add(message)
    session.flush()
    enqueue(
        session,
        SEND_JOB,
        {"message_id": message.id},
        contribution_id=contribution_id,
        contributor_id=contributor.id,
    )
    return message


def outgoing(session: Session, message: OutboundMessage, purpose: str = "message") -> Outgoing:
    """Describe a queued message for its sender: language, contribution reference, purpose."""
    contribution = (
        session.get(Contribution, message.contribution_id) if message.contribution_id else None
    )
    reference = contribution.reference if contribution is not None else None
    return Outgoing(language=message.language, reference=reference, purpose=purpose)


def send_job(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Send one queued message through its channel's sender; idempotent once sent."""
    message = session.get(OutboundMessage, payload["message_id"])
    if message is None or message.status in ("sent", "suppressed", "failed"):
        return
    contributor = (
        session.get(Contributor, message.contributor_id) if message.contributor_id else None
    )
    # Checked again when sending: the resident may have sent STOP since.
    if contributor is None or contributor.address is None or not may_receive(contributor):
        message.status = "suppressed"
        return
    registry = ctx.runtime.registry
    if message.channel not in registry.senders:
        raise PermanentJobError(f"no sender for channel {message.channel!r}")
    try:
        message.provider_message_id = registry.send(
            message.channel,
            ctx.runtime,
            contributor.address,
            message.body,
            outgoing(session, message),
        )
    except RecipientGoneError as error:
        # Never reachable again: the address has no use left, so it is not kept.
        contributor.unreachable = True
        contributor.address = None
        message.status = "failed"
        message.error = str(error)
        return
    message.status = "sent"
    message.sent_at = utcnow()


plugin = Plugin(name="outbound", job_handlers={SEND_JOB: send_job})
