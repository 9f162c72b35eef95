"""The job queue: enqueue in the caller's transaction, claim with a lease, retry, give up.

Claiming is fair: replies and other short jobs go before heavy ones (OCR, speech,
downloads), and among heavy jobs each sender's first comes before anybody's second, so
one resident's hundred PDFs never hold up another's voicemail or thank-you message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, literal_column, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import coalesce

from intake.db import Executor
from intake.errors import SafeError
from intake.models import Contribution, Job, JobLane, JobStatus, utcnow
from intake.models.base import UTCDateTime
from intake.tenancy import DEFAULT_TENANT_ID, every_tenant

BACKOFF_BASE_SECONDS = 5
BACKOFF_CAP_SECONDS = 3600


class PermanentJobError(SafeError):
    """Retrying cannot help (the input itself is bad): the job goes straight to dead."""


@dataclass(frozen=True)
class ClaimedJob:
    """A job this worker holds the lease on."""

    id: int
    kind: str
    payload: Mapping[str, Any]
    attempts: int
    max_attempts: int
    tenant_id: int = DEFAULT_TENANT_ID


# Job kinds their plugins declare heavy (filled as plugins register, at start-up).
_HEAVY: set[str] = set()


def declare_heavy(kinds: Iterable[str]) -> None:
    """Mark job kinds as heavy: they wait behind replies, and take turns between senders."""
    _HEAVY.update(kinds)


def lane_of(kind: str) -> JobLane:
    """Return the lane a job of `kind` is claimed in."""
    return JobLane.HEAVY if kind in _HEAVY else JobLane.INTERACTIVE


def next_rank(session: Executor, contributor_id: int | None) -> int:
    """Rank a new heavy job of this sender behind their heavy jobs still waiting.

    Jobs without a sender (paper batches, staff's) share one rank among themselves.
    (Interactive jobs have rank 0, so the highest rank is a heavy job's.)
    """
    sender = (
        Job.contributor_id.is_(None)
        if contributor_id is None
        else (Job.contributor_id == contributor_id)
    )
    highest = session.execute(
        select(func.max(Job.sender_rank)).where(sender, Job.status == JobStatus.QUEUED)
    ).scalar()
    return int(highest or 0) + 1


def job_row(
    session: Executor, kind: str, contributor_id: int | None, rank: int | None = None
) -> dict[str, Any]:
    """Return the lane, sender and rank columns of a new job of `kind`."""
    lane = lane_of(kind)
    if lane is JobLane.INTERACTIVE:
        rank = 0
    elif rank is None:
        rank = next_rank(session, contributor_id)
    return {"lane": lane, "sender_rank": rank, "contributor_id": contributor_id}


def enqueue(
    session: Session,
    kind: str,
    payload: Mapping[str, Any],
    *,
    contribution_id: int | None = None,
    contributor_id: int | None = None,
    run_after: datetime | None = None,
    max_attempts: int | None = None,
) -> Job:
    """Add a job to the caller's transaction; it becomes visible when the caller commits.

    The job's sender is `contributor_id`, or else (for a heavy job, whose rank depends
    on it) the contribution's contributor.
    """
    if contributor_id is None and contribution_id is not None and kind in _HEAVY:
        contributor_id = session.scalar(
            select(Contribution.contributor_id).where(Contribution.id == contribution_id)
        )
    job = Job(
        kind=kind,
        payload=dict(payload),
        contribution_id=contribution_id,
        run_after=run_after or utcnow(),
        **job_row(session, kind, contributor_id),
    )
    if max_attempts is not None:
        job.max_attempts = max_attempts
    session.add(job)
    return job


# Written out, not bound: a partial index serves only a query that names its condition.
def _in_state(status: JobStatus) -> Any:
    return Job.status == literal_column(f"'{status.value}'")


_QUEUED, _RUNNING = _in_state(JobStatus.QUEUED), _in_state(JobStatus.RUNNING)
_NOW = bindparam("now", type_=UTCDateTime())


def count_unfinished(session: Executor, *, every: bool = False) -> dict[str, int]:
    """Count queued, running and dead jobs, each from its own partial index: the current
    municipality's, or with `every` the whole installation's."""
    states = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.DEAD)
    counts = [
        select(func.count()).select_from(Job).where(_in_state(s)).scalar_subquery().label(s)
        for s in states
    ]
    row = session.execute(
        select(*counts).execution_options(**every_tenant() if every else {})
    ).one()
    return {status.value: int(count) for status, count in zip(states, row, strict=True)}


def _claim_statement() -> Any:
    # Two index walks, each stopping at its first row (`ix_job_leased`, `ix_job_queue`):
    # a job whose worker died goes first; else the first ready job in claim order.
    abandoned = (
        select(Job.id)
        .where(_RUNNING, Job.lease_until < _NOW, Job.attempts < Job.max_attempts)
        .order_by(Job.lease_until)
        .limit(1)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite serialises writers instead
        .scalar_subquery()
    )
    ready = (
        select(Job.id)
        .where(_QUEUED, Job.run_after <= _NOW, Job.attempts < Job.max_attempts)
        .order_by(Job.lane, Job.sender_rank, Job.run_after, Job.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    still_ready = and_(
        Job.attempts < Job.max_attempts,
        or_(
            and_(_QUEUED, Job.run_after <= _NOW),
            and_(_RUNNING, Job.lease_until < _NOW),
        ),
    )
    return (
        update(Job)
        .where(Job.id == coalesce(abandoned, ready), still_ready)
        .values(
            status=JobStatus.RUNNING,
            attempts=Job.attempts + 1,
            lease_until=bindparam("lease_until", type_=UTCDateTime()),
            leased_by=bindparam("worker"),
        )
        .returning(Job.id, Job.kind, Job.payload, Job.attempts, Job.max_attempts, Job.tenant_id)
        # A worker serves every municipality; the job then runs for its own (`tenant_id`).
        .execution_options(synchronize_session=False, **every_tenant())
    )


# Built once: a worker runs it for every job, and building it costs more than running it.
_CLAIM = _claim_statement()


def claim_next_job(session: Session, worker_id: str, lease_seconds: int) -> ClaimedJob | None:
    """Take the next ready job under a lease, atomically, and commit the claim.

    Next means: a job whose worker died; else replies and other short jobs, then heavy
    ones, each sender's earliest before anybody's later ones; among equals, the oldest.
    """
    now = utcnow()
    lease_until = now + timedelta(seconds=lease_seconds)
    row = session.execute(
        _CLAIM, {"now": now, "lease_until": lease_until, "worker": worker_id}
    ).first()
    session.commit()
    if row is None:
        return None
    return ClaimedJob(row.id, row.kind, row.payload, row.attempts, row.max_attempts, row.tenant_id)


def bury_exhausted_jobs(session: Session) -> int:
    """Mark dead the jobs whose attempts ran out while a worker held them (crash loops)."""
    now = utcnow()
    result = session.execute(
        update(Job)
        .where(_RUNNING, Job.lease_until < now, Job.attempts >= Job.max_attempts)
        .values(status=JobStatus.DEAD, finished_at=now, last_error="attempts exhausted")
        .execution_options(synchronize_session=False, **every_tenant())
    )
    return result.rowcount or 0


def extend_lease(session: Session, job_id: int, worker_id: str, lease_seconds: int) -> bool:
    """Push this worker's lease on a long job further out; False if it lost the lease."""
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.leased_by == worker_id, Job.status == JobStatus.RUNNING)
        .values(lease_until=utcnow() + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False, **every_tenant())
    )
    return bool(result.rowcount)


def complete_job(session: Session, job_id: int) -> None:
    """Mark a job done, in the same transaction as the work it did."""
    session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(status=JobStatus.DONE, finished_at=utcnow(), lease_until=None, last_error=None)
        .execution_options(synchronize_session=False, **every_tenant())
    )


def backoff(attempts: int) -> timedelta:
    """Wait longer after each failed attempt: 5 s, 10 s, 20 s … at most an hour."""
    return timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** (attempts - 1), BACKOFF_CAP_SECONDS))


def fail_job(session: Session, job: ClaimedJob, error: str, *, permanent: bool = False) -> str:
    """Record a failed attempt: retry later with backoff, or declare the job dead.

    `error` is shown to staff: make it with `intake.errors.describe`, never `str(exception)`.
    """
    now = utcnow()
    dead = permanent or job.attempts >= job.max_attempts
    status = JobStatus.DEAD if dead else JobStatus.QUEUED
    session.execute(
        update(Job)
        .where(Job.id == job.id)
        .values(
            status=status,
            last_error=error[:2000],
            lease_until=None,
            leased_by=None,
            run_after=now + backoff(job.attempts),
            finished_at=now if dead else None,
        )
        .execution_options(synchronize_session=False, **every_tenant())
    )
    return status


def release_job(session: Session, job_id: int, worker_id: str) -> bool:
    """Hand a job this worker holds back to the queue, ready at once, its attempt not counted."""
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.leased_by == worker_id, Job.status == JobStatus.RUNNING)
        .values(
            status=JobStatus.QUEUED,
            attempts=Job.attempts - 1,
            lease_until=None,
            leased_by=None,
            run_after=utcnow(),
        )
        .execution_options(synchronize_session=False, **every_tenant())
    )
    return bool(result.rowcount)


def retry_job(session: Session, job_id: int) -> None:
    """Give a dead job a fresh set of attempts (staff's retry button)."""
    session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.DEAD)
        .values(status=JobStatus.QUEUED, attempts=0, run_after=utcnow(), finished_at=None)
        .execution_options(synchronize_session=False)
    )
