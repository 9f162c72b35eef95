"""Test jobs: one records its runs, one hangs once, one always fails, one writes words."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from intake.models import AuditEvent, Contribution
from intake.plugins import JobContext, Plugin


def record(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Leave a trace of the run, in the job's own transaction."""
    session.add(AuditEvent(action="test.ran", details={"job": ctx.job_id, **payload}))
    session.flush()


def slow_first_time(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Hang on the first attempt (a worker is killed meanwhile), then leave a trace."""
    if ctx.attempts == 1:
        time.sleep(float(payload.get("seconds", 60)))
    record(session, payload, ctx)


def store_words(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Write words into a contribution, as a speech or OCR engine does with what it read."""
    contribution = session.get(Contribution, payload["contribution_id"])
    if contribution is not None:
        contribution.text = str(payload["words"])
        session.flush()


def broken(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Fail every time."""
    raise ConnectionError("provider unreachable")


plugin = Plugin(
    name="test-jobs",
    job_handlers={
        "test.record": record,
        "test.slow": slow_first_time,
        "test.broken": broken,
        "test.store_words": store_words,
    },
)
