"""The job queue: enqueue in the caller's transaction, claim with a lease, retry, give up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from intake.errors import SafeError
from intake.models import Job, JobStatus, utcnow

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


def enqueue(
    session: Session,
    kind: str,
    payload: Mapping[str, Any],
    *,
    contribution_id: int | None = None,
    run_after: datetime | None = None,
    max_attempts: int | None = None,
) -> Job:
    """Add a job to the caller's transaction; it becomes visible when the caller commits."""
    job = Job(
        kind=kind,
        payload=dict(payload),
        contribution_id=contribution_id,
        run_after=run_after or utcnow(),
    )
    if max_attempts is not None:
        job.max_attempts = max_attempts
    session.add(job)
    return job


def _ready(now: datetime) -> Any:
    return and_(
        Job.attempts < Job.max_attempts,
        or_(
            and_(Job.status == JobStatus.QUEUED, Job.run_after <= now),
            # A worker that died mid-job leaves a running job whose lease runs out.
            and_(Job.status == JobStatus.RUNNING, Job.lease_until < now),
        ),
    )


def claim_next_job(session: Session, worker_id: str, lease_seconds: int) -> ClaimedJob | None:
    """Take the oldest ready job under a lease, atomically, and commit the claim."""
    now = utcnow()
    candidate = (
        select(Job.id)
        .where(_ready(now))
        .order_by(Job.run_after, Job.id)
        .limit(1)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite serialises writers instead
        .scalar_subquery()
    )
    row = session.execute(
        update(Job)
        .where(Job.id == candidate, _ready(now))
        .values(
            status=JobStatus.RUNNING,
            attempts=Job.attempts + 1,
            lease_until=now + timedelta(seconds=lease_seconds),
            leased_by=worker_id,
        )
        .returning(Job.id, Job.kind, Job.payload, Job.attempts, Job.max_attempts)
        .execution_options(synchronize_session=False)
    ).first()
    session.commit()
    if row is None:
        return None
    return ClaimedJob(row.id, row.kind, row.payload, row.attempts, row.max_attempts)


def bury_exhausted_jobs(session: Session) -> int:
    """Mark dead the jobs whose attempts ran out while a worker held them (crash loops)."""
    now = utcnow()
    result = session.execute(
        update(Job)
        .where(
            Job.attempts >= Job.max_attempts,
            or_(
                Job.status == JobStatus.QUEUED,
                and_(Job.status == JobStatus.RUNNING, Job.lease_until < now),
            ),
        )
        .values(status=JobStatus.DEAD, finished_at=now, last_error="attempts exhausted")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def extend_lease(session: Session, job_id: int, worker_id: str, lease_seconds: int) -> bool:
    """Push this worker's lease on a long job further out; False if it lost the lease."""
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.leased_by == worker_id, Job.status == JobStatus.RUNNING)
        .values(lease_until=utcnow() + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def complete_job(session: Session, job_id: int) -> None:
    """Mark a job done, in the same transaction as the work it did."""
    session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(status=JobStatus.DONE, finished_at=utcnow(), lease_until=None, last_error=None)
        .execution_options(synchronize_session=False)
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
        .execution_options(synchronize_session=False)
    )
    return status


def retry_job(session: Session, job_id: int) -> None:
    """Give a dead job a fresh set of attempts (staff's retry button)."""
    session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.DEAD)
        .values(status=JobStatus.QUEUED, attempts=0, run_after=utcnow(), finished_at=None)
        .execution_options(synchronize_session=False)
    )
