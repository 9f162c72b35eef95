"""Worker jobs of the Telegram channel: sending, prompting with buttons, fetching files.

Plain replies are OutboundMessages sent by the core's `outbound.send` job through `send`;
prompts need inline buttons, which an OutboundMessage cannot carry, so they are their own
job. Both reach Telegram through the same `api.send_message`, with the same error rules.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from channels.telegram import api, kinds
from intake import erased
from intake.fetch import MediaRefusedError, fetch_media
from intake.jobs import enqueue
from intake.models import Attachment, Contribution, Contributor
from intake.outbound import RecipientGoneError
from intake.plugins import JobContext
from intake.runtime import Runtime

log = logging.getLogger("inspraak.telegram")


def send(runtime: Runtime, address: str, body: str) -> str:
    """Send a plain message to a chat (the sender of channel "telegram")."""
    return api.send_message(runtime.settings, address, body)


def prompt_job(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Send a message with inline buttons, unless the resident can no longer be reached."""
    contributor = session.get(Contributor, payload["contributor_id"])
    if contributor is None or contributor.opted_out or contributor.unreachable:
        return
    if contributor.address is None:
        return
    buttons = [[(label, data) for label, data in row] for row in payload["buttons"]]
    try:
        api.send_message(ctx.runtime.settings, contributor.address, payload["text"], buttons)
    except RecipientGoneError:
        contributor.unreachable = True
        contributor.address = None


def fetch_media_job(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Download a resident's file into the media store, then queue the job that reads it."""
    contribution = session.get(Contribution, payload["contribution_id"])
    if contribution is None:
        return
    attachment = session.scalar(
        select(Attachment)
        .where(Attachment.contribution_id == contribution.id)
        .order_by(Attachment.id)
        .limit(1)
    )
    if attachment is None or attachment.sha256 is not None:
        return
    settings = ctx.runtime.settings
    remote = api.get_file(settings, payload["file_id"])
    try:
        if (remote.size or 0) > api.MAX_DOWNLOAD_BYTES:
            raise MediaRefusedError(f"file is {remote.size} bytes, over the download limit")
        fetched = fetch_media(
            remote.url,
            ctx.runtime.media,
            allowed_hosts=settings.media_hosts,
            max_bytes=api.MAX_DOWNLOAD_BYTES,
        )
    except MediaRefusedError as error:
        log.warning("contribution %s: file not downloaded: %s", contribution.id, error)
        contribution.needs_person = True
        contribution.needs_person_reason = kinds.MEDIA_NOT_DOWNLOADED
        return
    if erased.still_there(session, contribution.id) is None:
        # Erased during the download: keep nothing of it.
        erased.discard(session, ctx.runtime.media, [fetched.sha256])
        return
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
