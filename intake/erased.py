"""What an erasure leaves behind, and what a job that was working on it checks afterwards.

An erased contribution's channel message is remembered as erased (a keyed hash only), so
that reading the same scanned file again does not bring it back. A job that did slow work
for a contribution (OCR, a download) locks the contribution before it writes: either the
erasure waits for the job and then removes what the job added too, or the job finds the
contribution gone and drops the files it stored meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from intake.hashing import keyed_hash
from intake.models import Attachment, Contribution, ErasedMessage
from intake.reporting.analysis import similar, text
from intake.storage import MediaStore


def _key(secret: str, channel: str, message_id: str) -> str:
    return keyed_hash(secret, f"erased:{channel}", message_id)


def remember(session: Session, secret: str, channel: str, message_id: str | None) -> None:
    """Note that this channel message's contribution was erased."""
    if message_id is None:
        return
    key = _key(secret, channel, message_id)
    if session.get(ErasedMessage, key) is None:
        session.add(ErasedMessage(key_hash=key))


def was_erased(session: Session, secret: str, channel: str, message_id: str) -> bool:
    """Tell whether the contribution of this channel message was erased."""
    return session.get(ErasedMessage, _key(secret, channel, message_id)) is not None


def still_there(session: Session, contribution_id: int) -> Contribution | None:
    """Lock the contribution until this transaction ends; None when it was erased."""
    return session.get(Contribution, contribution_id, with_for_update=True, populate_existing=True)


def discard(session: Session, media: MediaStore, keys: Iterable[str]) -> None:
    """Delete stored files nothing points at any more (a job's work for an erased one)."""
    session.flush()
    for key in sorted(set(keys)):
        if not session.scalar(select(exists().where(Attachment.sha256 == key))):
            media.delete(key)


def forget_cached(consultation_id: int | None) -> None:
    """Drop this process's cached vectors and words of a consultation's texts."""
    if consultation_id is not None:
        similar.forget(consultation_id)
    text.forget_words()
