"""Messages to residents through their own channel: replies, status and consultation updates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intake.current import runtime
from intake.i18n import N_, using_language
from intake.i18n import gettext as _
from intake.jobs import enqueue
from intake.labels import status_explanation, status_label
from intake.models import Consultation, Contribution, Contributor, OutboundMessage
from intake.outbound import may_receive, queue_message
from intake.plugins import JobContext, Registry

UPDATE_JOB = "admin.consultation_update"
TEMPLATES = {
    "thanks": N_("Bedankt voor uw bijdrage %(reference)s. We lezen ze zorgvuldig."),
    "more": N_(
        "Over uw bijdrage %(reference)s: kunt u wat meer uitleggen? Antwoord gerust op dit bericht."
    ),
    "read": N_(
        "Uw bijdrage %(reference)s is gelezen. Op de website volgt u wat er met de bevraging "
        "gebeurt."
    ),
}


def template_text(key: str, language: str, reference: str) -> str:
    """Render a reply template in the resident's language."""
    with using_language(language):
        return _(TEMPLATES[key], reference=reference)


def reply_channel(contribution: Contribution, registry: Registry | None = None) -> str | None:
    """Name the channel whose sender can deliver a reply to this resident, or None."""
    if contribution.contributor is None:
        return None
    registry = registry or runtime().registry
    return registry.reply_channel(contribution.channel, contribution.contributor.address_kind)


def can_reply(contribution: Contribution) -> bool:
    """Tell whether the resident left a way to answer them, proven to be theirs and deliverable."""
    contributor = contribution.contributor
    return (
        contributor is not None
        and may_receive(contributor)
        and reply_channel(contribution) is not None
    )


def reply(
    session: Session, contribution: Contribution, body: str, registry: Registry | None = None
) -> OutboundMessage | None:
    """Queue a message to the resident behind a contribution, where a sender can deliver it."""
    channel = reply_channel(contribution, registry)
    if contribution.contributor is None or channel is None or not body.strip():
        return None
    return queue_message(
        session, contribution.contributor, channel, body.strip(), contribution_id=contribution.id
    )


def status_update(session: Session, contribution: Contribution) -> OutboundMessage | None:
    """Tell a resident who asked for updates what their contribution's status is now."""
    contributor = contribution.contributor
    if contributor is None or not contributor.wants_updates:
        return None
    with using_language(contributor.preferred_language):
        body = _(
            "Nieuws over uw bijdrage %(reference)s: %(status)s. %(explanation)s",
            reference=contribution.reference,
            status=status_label(contribution.status),
            explanation=status_explanation(contribution.status),
        )
    return reply(session, contribution, body)


def announce(session: Session, consultation: Consultation, texts: Mapping[str, str]) -> None:
    """Queue one job that sends an update to everyone on a consultation who asked for one."""
    enqueue(session, UPDATE_JOB, {"consultation_id": consultation.id, "texts": dict(texts)})


def update_job(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Queue the consultation update for each resident who opted in, in their language."""
    texts: Mapping[str, str] = payload["texts"]
    latest = (
        select(Contribution.contributor_id, func.max(Contribution.id).label("last_id"))
        .where(
            Contribution.consultation_id == payload["consultation_id"],
            Contribution.contributor_id.is_not(None),
        )
        .group_by(Contribution.contributor_id)
        .subquery()
    )
    rows = session.execute(
        select(Contributor, Contribution)
        .join(latest, latest.c.contributor_id == Contributor.id)
        .join(Contribution, Contribution.id == latest.c.last_id)
        .where(Contributor.wants_updates, Contributor.address_confirmed)
    )
    # The whole fan-out commits with this job, so a re-run after a crash sends nothing twice.
    for contributor, contribution in rows:
        body = texts.get(contributor.preferred_language) or texts.get("nl") or ""
        channel = reply_channel(contribution, ctx.runtime.registry)
        if body and channel is not None:
            queue_message(session, contributor, channel, body)
