"""Replies and updates to residents: queued with their contribution, sent later by a job.

Messages go only to addresses proven to be the resident's (`Contributor.address_confirmed`).
The one message that goes to an address nobody proved yet is the confirmation itself,
which `intake.contacts.confirm` sends to the typed address it holds, and nowhere else.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from intake.errors import SafeError
from intake.jobs import PermanentJobError, enqueue
from intake.models import Contribution, Contributor, OutboundMessage, utcnow
from intake.plugins import JobContext, Outgoing, Plugin
from intake.usage import count_sent

SEND_JOB = "outbound.send"
log = logging.getLogger("inspraak.outbound")


class RecipientGoneError(SafeError):
    """The provider says this resident can never be reached again (blocked bot, dead number)."""


class NotSentError(SafeError):
    """The provider answered that it did not take the message: a retry may simply send it."""


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
    """Send one queued message through its channel's sender: at least once, rarely twice.

    Before the provider is called the message is marked "sending" and that is committed;
    the provider's message id is stored with "sent". A retry that finds a message still
    "sending" (the worker died, or the provider's answer was lost) first asks the provider
    whether it went out, where the channel can be asked (Twilio). Where it cannot (Telegram),
    the message is sent again: the resident may then receive it twice.
    """
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
    address = contributor.address
    if message.status == "sending" and _went_out(ctx, message, address):
        return
    message.status = "sending"
    message.sending_since = utcnow()
    session.commit()  # a send may go out from here on: a retry must know it
    try:
        message.provider_message_id = registry.send(
            message.channel,
            ctx.runtime,
            address,
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
    except NotSentError:
        message.status, message.sending_since = "queued", None
        session.commit()  # kept through the job's failure: nothing to look up on the retry
        raise
    message.status = "sent"
    message.sent_at = utcnow()
    count_sent(session, registry.meters, message.channel, message.body)


def _went_out(ctx: JobContext, message: OutboundMessage, address: str) -> bool:
    """Tell whether an earlier attempt's send reached the provider; mark the message sent."""
    if message.provider_message_id is not None:
        found: str | None = message.provider_message_id
    else:
        finder = ctx.runtime.registry.finders.get(message.channel)
        if finder is None or message.sending_since is None:
            log.warning(
                "message %s: an earlier send was cut short and %s cannot be asked whether it "
                "went out; sending again (the resident may receive it twice)",
                message.id,
                message.channel,
            )
            return False
        found = finder(ctx.runtime, address, message.body, message.sending_since)
    if found is None:
        return False
    log.info("message %s: an earlier send went out already; not sent again", message.id)
    message.provider_message_id = found
    message.status = "sent"
    message.sent_at = utcnow()
    return True


plugin = Plugin(name="outbound", job_handlers={SEND_JOB: send_job})
