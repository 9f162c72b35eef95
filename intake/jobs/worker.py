"""The worker loop: claim a job, run its handler in one transaction, record the outcome."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
import time
from types import FrameType

from sqlalchemy.exc import DBAPIError

from intake.db import UNAVAILABLE, upsert
from intake.errors import describe
from intake.jobs import (
    ClaimedJob,
    PermanentJobError,
    bury_exhausted_jobs,
    claim_next_job,
    complete_job,
    extend_lease,
    fail_job,
    release_job,
)
from intake.models import WorkerHeartbeat, utcnow
from intake.plugins import JobContext
from intake.runtime import Runtime
from intake.tenancy import scoped

log = logging.getLogger("inspraak.worker")
HEARTBEAT_SECONDS = 10
MAX_DATABASE_PAUSE = 30.0


class JobReleased(BaseException):
    """The grace period after SIGTERM ran out while a job worked: hand it back.

    A BaseException, like KeyboardInterrupt, so that a handler's `except Exception` cannot
    swallow it.
    """


class Worker:
    """One worker process; many may run against one database."""

    def __init__(self, runtime: Runtime, *, poll_seconds: float = 1.0) -> None:
        self.runtime = runtime
        self.poll_seconds = poll_seconds
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}"
        self.jobs_done = 0
        self._stopping = threading.Event()
        self._last_heartbeat = 0.0
        self._in_handler = False  # a job's handler runs and may still be handed back

    def stop(self, *_args: object) -> None:
        """Finish the job at hand, then leave the loop."""
        self._stopping.set()

    def install_signal_handlers(self) -> None:
        """On SIGTERM or SIGINT (systemd, Ctrl-C) finish the job at hand within the grace
        period (`INSPRAAK_WORKER_GRACE_SECONDS`), else hand it back to the queue; then leave."""

        def handler(signum: int, frame: FrameType | None) -> None:
            if not self._stopping.is_set():
                signal.setitimer(signal.ITIMER_REAL, self.runtime.settings.worker_grace_seconds)
            self.stop()

        def grace_over(signum: int, frame: FrameType | None) -> None:
            # Raised in the main thread, where handlers run: unwinds the job's transaction.
            if self._in_handler:
                raise JobReleased

        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)
        signal.signal(signal.SIGALRM, grace_over)

    def run(self, *, until_idle: bool = False) -> int:
        """Work until stopped, or until no job is ready when `until_idle`; return jobs done.

        A database that goes away (a restart, a dropped connection) is waited for with a
        growing pause; the job at hand keeps its lease and is taken up again once it expires.
        """
        pause = 0.0
        while not self._stopping.is_set():
            try:
                self.heartbeat()
                self._replay_spool()
                job = self._claim()
                if job is not None:
                    self.run_job(job)
            except UNAVAILABLE as error:
                pause = min(max(pause * 2, self.poll_seconds), MAX_DATABASE_PAUSE)
                log.warning("database unavailable (%s), retrying in %.0f s", describe(error), pause)
                self._stopping.wait(pause)
                continue
            pause = 0.0
            if job is None:
                if until_idle:
                    break
                self._stopping.wait(self.poll_seconds)
        with contextlib.suppress(DBAPIError):
            self.heartbeat(force=True)
        return self.jobs_done

    def _claim(self) -> ClaimedJob | None:
        with self.runtime.db.session() as session:
            bury_exhausted_jobs(session)
            session.commit()
            return claim_next_job(session, self.worker_id, self.runtime.settings.job_lease_seconds)

    def _replay_spool(self) -> None:
        """Store the messages webhooks spooled while the database was away."""
        if not self.runtime.spool.waiting():
            return
        done = self.runtime.replay_spool()
        if done.stored or done.set_aside:
            log.info("spool replayed: %s stored, %s kept aside", done.stored, done.set_aside)

    def run_job(self, job: ClaimedJob) -> None:
        """Run one claimed job; its work and its completion commit together."""
        with scoped(job.tenant_id):
            self._run_job(job)

    def _run_job(self, job: ClaimedJob) -> None:
        handler = self.runtime.registry.job_handlers.get(job.kind)
        stop_renewing = self._keep_lease(job.id)
        try:
            with self.runtime.db.session() as session:
                if handler is None:
                    raise PermanentJobError(f"no handler for job kind {job.kind!r}")
                ctx = JobContext(self.runtime, job.id, job.attempts, job.max_attempts)
                self._in_handler = True
                try:
                    handler(session, job.payload, ctx)
                finally:
                    self._in_handler = False
                complete_job(session, job.id)
                session.commit()
            self.jobs_done += 1
            log.info("job %s (%s) done", job.id, job.kind)
        except JobReleased:
            with self.runtime.db.session() as session:
                release_job(session, job.id, self.worker_id)
                session.commit()
            log.warning("job %s (%s) handed back: stopped before it ended", job.id, job.kind)
        except Exception as error:  # noqa: BLE001 - any failure is recorded, the loop goes on
            permanent = isinstance(error, PermanentJobError)
            reason = describe(error)  # never the driver's text: it may repeat a resident's row
            with self.runtime.db.session() as session:
                status = fail_job(session, job, reason, permanent=permanent)
                session.commit()
            log.warning("job %s (%s) failed, now %s: %s", job.id, job.kind, status, reason)
        finally:
            stop_renewing.set()

    def _keep_lease(self, job_id: int) -> threading.Event:
        done = threading.Event()
        lease = self.runtime.settings.job_lease_seconds

        def renew() -> None:
            while not done.wait(lease / 3):
                try:
                    with self.runtime.db.session() as session:
                        extend_lease(session, job_id, self.worker_id, lease)
                        session.commit()
                except DBAPIError as error:
                    log.warning("job %s: lease not renewed: %s", job_id, describe(error))

        threading.Thread(target=renew, name=f"lease-{job_id}", daemon=True).start()
        return done

    def heartbeat(self, *, force: bool = False) -> None:
        """Tell /healthz this worker is alive (at most every few seconds)."""
        now = time.monotonic()
        if not force and now - self._last_heartbeat < HEARTBEAT_SECONDS:
            return
        self._last_heartbeat = now
        state = {"seen_at": utcnow(), "jobs_done": self.jobs_done}
        with self.runtime.db.session() as session:
            upsert(
                session, WorkerHeartbeat, {"worker_id": self.worker_id, **state}, "worker_id", state
            )
            session.commit()
