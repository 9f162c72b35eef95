"""The job that computes a consultation's themes in the worker, away from page views."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from intake.jobs import enqueue
from intake.models import AuditEvent, Consultation, Job
from intake.plugins import JobContext

if TYPE_CHECKING:
    from intake.reporting.analysis.themes import ThemeRun

THEMES_JOB = "themes.compute"
log = logging.getLogger(__name__)


def queue_themes(session: Session, consultation_id: int) -> Job:
    """Ask the worker to compute the consultation's themes once the caller commits."""
    return enqueue(session, THEMES_JOB, {"consultation_id": consultation_id})


def record_run(session: Session, consultation_id: int, run: ThemeRun, via: str) -> None:
    """Write the computation to the audit trail (counts only, never texts)."""
    session.add(
        AuditEvent(
            action="themes.compute",
            target_type="consultation",
            target_id=consultation_id,
            details={"via": via, "themes": run.themes, "assigned": run.assigned},
        )
    )


def compute_themes_job(session: Session, payload: Mapping[str, Any], ctx: JobContext) -> None:
    """Compute the themes of the consultation in the payload; a repeat computes them again."""
    # scikit-learn takes seconds to import: only the worker that computes pays for it.
    from intake.reporting.analysis.themes import compute_themes

    consultation_id = int(payload["consultation_id"])
    if session.get(Consultation, consultation_id) is None:
        log.info("themes: consultation %d is gone, nothing to do", consultation_id)
        return
    run = compute_themes(session, consultation_id)
    record_run(session, consultation_id, run, via="job")
    log.info(
        "themes: consultation %d has %d themes, %d contributions in one (%.1f s)",
        consultation_id,
        run.themes,
        run.assigned,
        run.seconds,
    )
