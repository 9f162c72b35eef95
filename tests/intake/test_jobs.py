"""The job queue: leases, retries with backoff, dead jobs, and workers that die."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, update

from intake.jobs import claim_next_job, enqueue
from intake.jobs.worker import Worker
from intake.models import AuditEvent, Job, JobStatus, utcnow
from intake.runtime import Runtime
from tests.support import slow_jobs

ROOT = Path(__file__).resolve().parents[2]


def _with_test_jobs(runtime: Runtime) -> Runtime:
    if "test-jobs" not in runtime.registry.plugins:
        runtime.registry.add(slow_jobs.plugin)
    return runtime


def _enqueue(runtime: Runtime, kind: str, count: int = 1, **payload: object) -> list[int]:
    with runtime.db.session() as session:
        jobs = [enqueue(session, kind, {"n": i, **payload}) for i in range(count)]
        session.commit()
        return [job.id for job in jobs]


def _job(runtime: Runtime, job_id: int) -> Job:
    with runtime.db.session() as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


def _runs(runtime: Runtime) -> list[int]:
    with runtime.db.session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "test.ran"))
        return [event.details["job"] for event in events]


def test_a_claimed_job_is_leased_and_not_given_to_another(any_runtime: Runtime) -> None:
    (job_id,) = _enqueue(any_runtime, "test.record")
    with any_runtime.db.session() as session:
        claimed = claim_next_job(session, "worker-a", 60)
        assert claimed is not None and claimed.id == job_id and claimed.attempts == 1
        assert claim_next_job(session, "worker-b", 60) is None
    job = _job(any_runtime, job_id)
    assert job.status == JobStatus.RUNNING and job.leased_by == "worker-a"
    assert job.lease_until is not None and job.lease_until > utcnow()


def test_an_expired_lease_is_claimed_again(any_runtime: Runtime) -> None:
    (job_id,) = _enqueue(any_runtime, "test.record")
    with any_runtime.db.session() as session:
        assert claim_next_job(session, "worker-a", 60) is not None
        session.execute(update(Job).values(lease_until=utcnow() - timedelta(seconds=1)))
        session.commit()
        again = claim_next_job(session, "worker-b", 60)
    assert again is not None and again.id == job_id and again.attempts == 2


def test_a_failing_job_is_retried_later_then_declared_dead(any_runtime: Runtime) -> None:
    runtime = _with_test_jobs(any_runtime)
    with runtime.db.session() as session:
        job = enqueue(session, "test.broken", {}, max_attempts=3)
        session.commit()
        job_id = job.id
    worker = Worker(runtime)
    worker.run(until_idle=True)
    job = _job(runtime, job_id)
    assert job.status == JobStatus.QUEUED and job.attempts == 1
    assert job.run_after > utcnow() + timedelta(seconds=3)
    # The class is kept; a foreign exception's own words are not (they may name a resident).
    assert job.last_error == "ConnectionError"
    previous_delay = timedelta(0)
    for attempt in (2, 3):
        with runtime.db.session() as session:
            session.execute(update(Job).values(run_after=utcnow()))
            session.commit()
        worker.run(until_idle=True)
        job = _job(runtime, job_id)
        assert job.attempts == attempt
        if job.status == JobStatus.QUEUED:
            delay = job.run_after - utcnow()
            assert delay > previous_delay  # backoff grows
            previous_delay = delay
    assert job.status == JobStatus.DEAD and job.finished_at is not None


def test_a_job_kind_nobody_handles_goes_dead_with_a_reason(any_runtime: Runtime) -> None:
    (job_id,) = _enqueue(any_runtime, "nobody.handles.this")
    Worker(any_runtime).run(until_idle=True)
    job = _job(any_runtime, job_id)
    assert job.status == JobStatus.DEAD
    assert "no handler" in (job.last_error or "")


def test_two_workers_never_run_the_same_job(any_runtime: Runtime) -> None:
    runtime = _with_test_jobs(any_runtime)
    job_ids = _enqueue(runtime, "test.record", count=60)
    workers = [Worker(runtime, poll_seconds=0.01) for _ in range(2)]
    for index, worker in enumerate(workers):
        worker.worker_id = f"w{index}"
    threads = [threading.Thread(target=w.run, kwargs={"until_idle": True}) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    runs = _runs(runtime)
    assert sorted(runs) == sorted(job_ids)
    assert sum(w.jobs_done for w in workers) == 60
    with runtime.db.session() as session:
        statuses = session.scalars(select(Job.status).distinct()).all()
    assert statuses == [JobStatus.DONE]


WORKER = [sys.executable, "-m", "intake", "worker"]


def _worker_env(runtime: Runtime, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "INSPRAAK_DATA_DIR": str(runtime.settings.data_dir),
        "INSPRAAK_DATABASE_URL": runtime.settings.database_url,
        "INSPRAAK_PLUGINS": "tests.support.slow_jobs",
        **extra,
    }


def _worker_on_job(runtime: Runtime, job_id: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start a worker process and return once it runs the job."""
    worker = subprocess.Popen(WORKER, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while _job(runtime, job_id).status != JobStatus.RUNNING:
        if time.monotonic() > deadline:
            worker.kill()
            raise AssertionError("the worker never took the job")
        time.sleep(0.1)
    return worker


def test_a_worker_killed_mid_job_loses_nothing(any_runtime: Runtime, tmp_path: Path) -> None:
    (job_id,) = _enqueue(any_runtime, "test.slow", seconds=120)
    env = _worker_env(any_runtime, INSPRAAK_JOB_LEASE_SECONDS="2")
    victim = _worker_on_job(any_runtime, job_id, env)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert _runs(any_runtime) == []
    time.sleep(2.5)  # the dead worker's lease runs out
    finished = subprocess.run(
        [*WORKER, "--until-idle"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert finished.returncode == 0, finished.stderr
    job = _job(any_runtime, job_id)
    assert job.status == JobStatus.DONE and job.attempts == 2
    assert _runs(any_runtime) == [job_id]


def test_sigterm_lets_a_worker_finish_a_job_within_the_grace_period(
    any_runtime: Runtime,
) -> None:
    (job_id,) = _enqueue(any_runtime, "test.slow", seconds=1.5)
    env = _worker_env(any_runtime, INSPRAAK_WORKER_GRACE_SECONDS="60")
    worker = _worker_on_job(any_runtime, job_id, env)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=60) == 0
    job = _job(any_runtime, job_id)
    assert job.status == JobStatus.DONE and job.attempts == 1
    assert _runs(any_runtime) == [job_id]


def test_sigterm_hands_back_a_job_that_outlasts_the_grace_period(any_runtime: Runtime) -> None:
    (job_id,) = _enqueue(any_runtime, "test.slow", seconds=600)
    env = _worker_env(any_runtime, INSPRAAK_WORKER_GRACE_SECONDS="1")
    worker = _worker_on_job(any_runtime, job_id, env)
    worker.send_signal(signal.SIGTERM)
    try:
        assert worker.wait(timeout=30) == 0  # far sooner than the job's ten minutes
    finally:
        worker.kill()
    job = _job(any_runtime, job_id)
    assert (job.status, job.attempts, job.leased_by, job.lease_until) == (
        JobStatus.QUEUED,
        0,
        None,
        None,
    )
    assert _runs(any_runtime) == []
    with any_runtime.db.session() as session:  # ready at once, the attempt not counted
        claimed = claim_next_job(session, "another", 60)
        assert claimed is not None and (claimed.id, claimed.attempts) == (job_id, 1)


def test_a_worker_reports_its_heartbeat(client, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/healthz").get_json()["worker"]["state"] == "none"
    Worker(runtime).run(until_idle=True)
    health = client.get("/healthz").get_json()
    assert health["database"] == "ok"
    assert health["worker"]["state"] == "ok"
    with runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Job)) == 0
