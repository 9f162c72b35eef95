"""Bring a provider's media home (Twilio message media and recordings, Telegram files).

Every channel's download takes this one path:
1. a read-only look: is the contribution still there, does it still wait for this item?
   (the job's own session would hold SQLite's write lock for the whole download, and every
   webhook would wait for it);
2. the download, over https from an allowed host, within the size limit (`intake.fetch`);
3. the contribution locked until the commit: an erasure now waits for the job, or has
   already happened, and then the downloaded bytes are dropped.
The caller keeps what came home, or a trace of what did not, and only then has the
provider's copy deleted: never before ours is committed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from intake import erased
from intake.fetch import FetchedMedia, MediaFetchError, MediaRefusedError, fetch_media
from intake.models import Contribution
from intake.plugins import JobContext
from intake.storage import StorageFullError

REFUSED = "media_refused"
UNAVAILABLE = "media_unavailable"
DISK_FULL = "disk_full"


@dataclass(frozen=True)
class Remote:
    """Where a provider keeps one media item, the most it may weigh, and the key to it."""

    url: str
    max_bytes: int
    auth: tuple[str, str] | None = None


@dataclass(frozen=True)
class Fetched:
    """The item is in the media store; its contribution is locked until the commit."""

    contribution: Contribution
    media: FetchedMedia


@dataclass(frozen=True)
class Missing:
    """The item could not be brought home: refused, or unavailable at the last attempt."""

    reason: str
    detail: str


@dataclass(frozen=True)
class Gone:
    """The contribution was erased, before or during the download: nothing was kept."""


Outcome = Fetched | Missing | Gone | None


def download(
    session: Session,
    ctx: JobContext,
    contribution_id: int,
    locate: Callable[[], Remote],
    *,
    done: Callable[[Session, int], bool],
) -> Outcome:
    """Download one item for a contribution into the media store, unless `done` already.

    A full media store is retried like an unreachable provider, then ends as `DISK_FULL`.
    `locate` says where the item is (it may ask the provider, or raise MediaRefusedError);
    `done` tells whether the contribution no longer waits for the item. None: nothing to
    do. A failure that a retry may cure is raised, unless this is the job's last attempt.
    """
    with ctx.runtime.db.session(write=False) as reading:
        if reading.get(Contribution, contribution_id) is None:
            return Gone()
        if done(reading, contribution_id):
            return None
    try:
        remote = locate()
        fetched = fetch_media(
            remote.url,
            ctx.runtime.media,
            allowed_hosts=ctx.runtime.settings.media_hosts,
            max_bytes=remote.max_bytes,
            auth=remote.auth,
        )
    except MediaRefusedError as error:
        return Missing(REFUSED, str(error))
    except MediaFetchError as error:
        if not ctx.last_attempt:
            raise
        return Missing(UNAVAILABLE, str(error))
    except StorageFullError as error:
        # Retried while attempts last (space may be freed; the provider keeps its copy, and
        # the dashboard shows the failing job's "disk full"); then waits for a person.
        if not ctx.last_attempt:
            raise
        return Missing(DISK_FULL, str(error))
    contribution = erased.still_there(session, contribution_id)
    if contribution is None:
        erased.discard(session, ctx.runtime.media, [fetched.sha256])
        return Gone()
    if done(session, contribution_id):
        return None
    return Fetched(contribution, fetched)
