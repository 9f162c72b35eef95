"""Give each form of a file imported whole (before files were cut up) its own pages."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from channels.paper.adapter import CHANNEL, ORIGINAL_KIND
from channels.paper.split import SplitError, original_pages
from intake import erased
from intake.models import Attachment, Contribution
from intake.storage import MediaStore
from ocr.record import ARCHIVE_KIND, SCAN_KIND


@dataclass(frozen=True)
class Resplit:
    """How many shared files were cut up, and which whole files nothing points at now."""

    files: int
    unused: tuple[str, ...]


def _pages_of(session: Session, contribution_id: int) -> list[int]:
    """Return the 0-based places in its file of a contribution's pages, from its page images."""
    details = session.scalars(
        select(Attachment.details).where(
            Attachment.contribution_id == contribution_id, Attachment.kind == SCAN_KIND
        )
    )
    return sorted({int(d["index"]) for d in details if "index" in d})


def resplit(session: Session, media: MediaStore) -> Resplit:
    """Cut every original and archive copy that several paper contributions share.

    Flushes; the caller commits, then deletes `unused` from the store (`erased.discard`).
    """
    shared: dict[str, list[Attachment]] = defaultdict(list)
    query = (
        select(Attachment)
        .join(Contribution, Attachment.contribution_id == Contribution.id)
        .where(
            Contribution.channel == CHANNEL,
            Attachment.kind.in_((ORIGINAL_KIND, ARCHIVE_KIND)),
            Attachment.sha256.is_not(None),
        )
    )
    for attachment in session.scalars(query):
        shared[str(attachment.sha256)].append(attachment)
    cut: list[str] = []
    for key, attachments in shared.items():
        if len({a.contribution_id for a in attachments}) < 2:
            continue
        for attachment in attachments:
            pages = _pages_of(session, attachment.contribution_id)
            if not pages:
                continue  # nothing tells which pages are its own: leave it for a person
            try:
                with media.local(key) as path:
                    data = original_pages(path, attachment.media_type, pages)
            except SplitError:
                continue
            attachment.sha256, attachment.size = media.put_bytes(data)
            attachment.pages = len(pages)
            attachment.details = {**attachment.details, "pages_of_file": [p + 1 for p in pages]}
        cut.append(key)
    session.flush()
    still = set(session.scalars(select(Attachment.sha256).where(Attachment.sha256.in_(cut))))
    return Resplit(len(cut), tuple(key for key in cut if key not in still))


def remove_unused(session: Session, media: MediaStore, keys: tuple[str, ...]) -> None:
    """Delete the whole files once the cut copies are committed."""
    erased.discard(session, media, keys)
