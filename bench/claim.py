"""`claim_next_job` with 10,000 jobs waiting, beside a bare update of one job by its id.

The table holds 20,000 finished jobs (analysed, as autovacuum keeps it), then what a flood
leaves: one sender's 9,000 heavy jobs (PDFs to read), 600 heavy jobs of 300 other residents
and 400 replies, queued in that order. A worker's loop claims and completes 600 jobs; the
figures are milliseconds per claim (median, 95th percentile) beside the bare update (the
floor of any claim: one row, one commit), on a SQLite file and on PostgreSQL when one
answers, and whose jobs those 600 claims were.

    .venv/bin/python bench/claim.py
"""

from __future__ import annotations

import inspect
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from intake.config import load_settings  # noqa: E402
from intake.consultations import seed_demo  # noqa: E402
from intake.hashing import keyed_hash  # noqa: E402
from intake.jobs import claim_next_job, complete_job, enqueue  # noqa: E402
from intake.migrations import upgrade  # noqa: E402
from intake.models import Contributor, Job, utcnow  # noqa: E402
from intake.runtime import Runtime  # noqa: E402

POSTGRES = os.environ.get("INSPRAAK_TEST_POSTGRES_URL") or (
    "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
HISTORY, FLOOD, OTHERS, EACH, REPLIES, CLAIMS = 20000, 9000, 300, 2, 400, 600
HEAVY, REPLY = "ocr.read_scan", "outbound.send"
BARE = "UPDATE job SET leased_by = 'bench' WHERE id = :id RETURNING id"
FAIR = "contributor_id" in inspect.signature(enqueue).parameters


def _contributors(runtime: Runtime, count: int) -> list[int]:
    secret = runtime.settings.secret_key
    with runtime.db.session() as session:
        people = [
            Contributor(
                address_kind="phone",
                address_hash=keyed_hash(secret, "phone", f"+3247{n:07d}"),
                preferred_language="nl",
                created_at=utcnow(),
                last_seen_at=utcnow(),
            )
            for n in range(count)
        ]
        session.add_all(people)
        session.commit()
        return [person.id for person in people]


def _history(runtime: Runtime) -> int:
    now = utcnow()
    with runtime.db.session() as session:
        session.execute(
            insert(Job),
            [
                {"kind": REPLY, "payload": {}, "status": "done", "run_after": now}
                for _ in range(HISTORY)
            ],
        )
        session.commit()
        first = session.scalar(select(func.min(Job.id)))
    with runtime.db.engine.connect() as connection:
        connection.execute(text("ANALYZE job" if "postgresql" in runtime.db.url else "ANALYZE"))
        connection.commit()
    return int(first or 0)


def _fill(runtime: Runtime) -> None:
    flooder, *others = _contributors(runtime, OTHERS + 1)
    with runtime.db.session() as session:

        def add(kind: str, who: int, n: int) -> None:
            options: dict[str, Any] = {"contributor_id": who} if FAIR else {}
            flood = "flood" if who == flooder else "other"
            enqueue(session, kind, {"n": n, "from": flood}, **options)

        for n in range(FLOOD):
            add(HEAVY, flooder, n)
        for round_ in range(EACH):
            for who in others:
                add(HEAVY, who, round_)
        for n in range(REPLIES):
            add(REPLY, others[n % len(others)], n)
        session.commit()


def _measure(url: str, data_dir: Path) -> dict[str, float]:
    env = {"INSPRAAK_DATA_DIR": str(data_dir), "INSPRAAK_DATABASE_URL": url}
    runtime = Runtime.start(load_settings(env))
    upgrade(runtime.db.engine)
    with runtime.db.session() as session:
        seed_demo(session)
        session.commit()
    finished = _history(runtime)
    _fill(runtime)
    claims, bare, kinds = [], [], []
    with runtime.db.session() as session:
        for _ in range(CLAIMS):
            started = time.perf_counter()
            job = claim_next_job(session, "bench", 300)
            claims.append(time.perf_counter() - started)
            assert job is not None
            kinds.append("reply" if job.kind == REPLY else job.payload["from"])
            complete_job(session, job.id)
            session.commit()
            started = time.perf_counter()
            session.execute(text(BARE), {"id": finished}).first()
            session.commit()
            bare.append(time.perf_counter() - started)
    runtime.db.dispose()
    return {
        "claim p50": statistics.median(claims) * 1000,
        "claim p95": statistics.quantiles(claims, n=20)[18] * 1000,
        "bare p50": statistics.median(bare) * 1000,
        "replies": float(kinds.count("reply")),
        "others": float(kinds.count("other")),
        "flood": float(kinds.count("flood")),
    }


def _postgres_schema() -> str | None:
    try:
        engine = create_engine(POSTGRES, connect_args={"connect_timeout": 3})
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS bench_claim CASCADE"))
            connection.execute(text("CREATE SCHEMA bench_claim"))
        engine.dispose()
    except Exception:  # noqa: BLE001 - no server: SQLite only
        return None
    return f"{POSTGRES}?options=-csearch_path%3Dbench_claim"


def main() -> None:
    """Print the figures for each database."""
    with tempfile.TemporaryDirectory() as tmp:
        targets = {"sqlite": f"sqlite:///{Path(tmp) / 'bench.db'}"}
        schema = _postgres_schema()
        if schema:
            targets["postgresql"] = schema
        waiting = FLOOD + OTHERS * EACH + REPLIES
        print(f"{HISTORY} finished jobs, {waiting} waiting, {CLAIMS} claims")
        for name, url in targets.items():
            figures = _measure(url, Path(tmp) / name)
            print(
                f"{name:10}  claim p50 {figures['claim p50']:.2f} ms, "
                f"p95 {figures['claim p95']:.2f} ms; bare update p50 {figures['bare p50']:.2f} ms;"
                f" the {CLAIMS} claims: {figures['replies']:.0f} replies, "
                f"{figures['others']:.0f} other residents' jobs, {figures['flood']:.0f} the flood's"
            )


if __name__ == "__main__":
    main()
