"""Worker jobs of the Telegram channel: sending, prompting with buttons, fetching files.

Plain replies are OutboundMessages sent by the core's `outbound.send` job through `send`;
prompts need inline buttons, which an OutboundMessage cannot carry, so they are their own
job. Both reach Telegram through the same `client.send_message`, with the same error rules.
Showing the answer on an answered question (which takes its buttons off) is a job too.

Telegram cannot be asked whether a message was delivered (the Bot API has no list of sent
messages and no idempotency key), so this channel declares no sent-finder: a reply whose
worker dies after Telegram took it, but before the send was recorded, is sent again, and
the resident sees it twice. A prompt job killed mid-send is repeated the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from channels.telegram import client
from channels.telegram.adapter import MEDIA_NOT_DOWNLOADED
from intake.jobs import enqueue
from intake.jobs.download import DISK_FULL, Fetched, Missing, download
from intake.models import Attachment, Contribution, Contributor
from intake.outbound import RecipientGoneError
from intake.plugins import JobContext
from intake.runtime import Runtime

log = logging.getLogger("inspraak.telegram")


def send(runtime: Runtime, address: str, body: str) -> str:
    """Send a plain message to a chat (the sender of channel "telegram")."""
    return client.send_message(runtime.tenant_settings(), address, body)


def prompt_job(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Send a message with inline buttons, unless the resident can no longer be reached."""
    contributor = session.get(Contributor, payload["contributor_id"])
    if contributor is None or contributor.opted_out or contributor.unreachable:
        return
    if contributor.address is None:
        return
    buttons = [[(label, data) for label, data in row] for row in payload["buttons"]]
    try:
        client.send_message(
            ctx.runtime.tenant_settings(), contributor.address, payload["text"], buttons
        )
    except RecipientGoneError:
        contributor.unreachable = True
        contributor.address = None


def edit_job(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Take the buttons off a question once answered, showing the answer, if still reachable."""
    contributor = session.get(Contributor, payload["contributor_id"])
    if contributor is None or contributor.address is None or contributor.unreachable:
        return
    settings = ctx.runtime.tenant_settings()
    try:
        client.edit_message(settings, contributor.address, payload["message_id"], payload["text"])
    except RecipientGoneError:
        contributor.unreachable = True
        contributor.address = None


def fetch_media_job(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Download a resident's file into the media store, then queue the job that reads it."""
    contribution_id = int(payload["contribution_id"])
    outcome = download(
        session,
        ctx,
        contribution_id,
        lambda: client.remote_file(ctx.runtime.tenant_settings(), payload["file_id"]),
        done=lambda reading, found: _waiting_file(reading, found) is None,
    )
    if isinstance(outcome, Missing):
        log.warning("contribution %s: file not downloaded: %s", contribution_id, outcome.detail)
        contribution = session.get(Contribution, contribution_id)
        if contribution is not None:
            contribution.needs_person = True
            full = outcome.reason == DISK_FULL
            contribution.needs_person_reason = DISK_FULL if full else MEDIA_NOT_DOWNLOADED
        return
    if not isinstance(outcome, Fetched):  # erased, or downloaded already
        return
    contribution, fetched = outcome.contribution, outcome.media
    attachment = _waiting_file(session, contribution.id)
    assert attachment is not None  # `download` checked it with the contribution locked
    attachment.sha256 = fetched.sha256
    attachment.size = fetched.size
    if attachment.media_type == "application/octet-stream":
        attachment.media_type = fetched.media_type
    enqueue(
        session,
        payload["then"],
        {
            "contribution_id": contribution.id,
            "attachment_id": attachment.id,
            "language": contribution.language,
        },
        contribution_id=contribution.id,
    )


def _waiting_file(session: Session, contribution_id: int) -> Attachment | None:
    """Return the contribution's file whose bytes are not downloaded yet, if there is one."""
    attachment = session.scalar(
        select(Attachment)
        .where(Attachment.contribution_id == contribution_id)
        .order_by(Attachment.id)
        .limit(1)
    )
    return attachment if attachment is not None and attachment.sha256 is None else None
