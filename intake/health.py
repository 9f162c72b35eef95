"""`GET /healthz`: database reachable, worker alive, jobs waiting or dead, spool depth."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, jsonify
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from intake.current import db_session, runtime
from intake.jobs import count_unfinished
from intake.models import WorkerHeartbeat, utcnow

blueprint = Blueprint("health", __name__)
STALE_AFTER = timedelta(seconds=60)


def _worker_state(last_seen: Any) -> dict[str, Any]:
    if last_seen is None:
        return {"state": "none", "last_seen": None}
    age = (utcnow() - last_seen).total_seconds()
    state = "ok" if age <= STALE_AFTER.total_seconds() else "stale"
    return {"state": state, "last_seen": last_seen.isoformat(), "age_seconds": round(age, 1)}


@blueprint.get("/healthz")
def healthz() -> Any:
    """Report the service's state for monitoring; 503 when the database is unreachable."""
    session = db_session()
    try:
        last_seen = session.scalar(select(func.max(WorkerHeartbeat.seen_at)))
        counts = count_unfinished(session, every=True)  # the installation's, all municipalities
    except SQLAlchemyError as error:
        body = {
            "status": "error",
            "database": f"unreachable: {type(error).__name__}",
            "spool": _spool(),
        }
        return jsonify(body), 503
    return jsonify(
        {
            "status": "ok",
            "database": "ok",
            "worker": _worker_state(last_seen),
            "jobs": {status: counts.get(status, 0) for status in ("queued", "running", "dead")},
            "spool": _spool(),
        }
    )


def _spool() -> dict[str, int]:
    """Messages acknowledged while the database was away: waiting, and kept aside."""
    spool = runtime().spool
    return {"waiting": spool.depth(), "set_aside": spool.set_aside_count()}
