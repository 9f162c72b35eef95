"""The staff queue on 100,000 contributions, beside a bare SELECT … LIMIT 50 on the same table.

Runs on SQLite and on PostgreSQL (127.0.0.1:5432, database `test`, a private schema), measures
the server time of the queue page and of a search through the real Flask app, and prints the
medians next to the bare query's. Targets: queue page < 150 ms, search < 300 ms. On PostgreSQL
the searches run again without the trigram index, the scan it replaces.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from intake.app import create_app  # noqa: E402
from intake.consultations import seed_demo  # noqa: E402
from intake.migrations import upgrade  # noqa: E402
from intake.runtime import Runtime  # noqa: E402
from tests.admin.bulk import generate  # noqa: E402
from tests.admin.conftest import add_user, sign_in  # noqa: E402
from tests.conftest import make_settings  # noqa: E402

COUNT, RUNS = 100_000, 15
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SCHEMA = "bench_admin"
PAGES = {
    "queue page": "/admin/",
    "queue, status=new": "/admin/?status=new",
    "search 'speeltuin vélo'": "/admin/?q=speeltuin+v%C3%A9lo",
    "search + channel": "/admin/?q=schaduw&channel=paper",
    "search, a rare word": "/admin/?q=boomhut",
}
RARE = "UPDATE contribution SET text = text || ' Een boomhut.' WHERE id % 2000 = 7"
BARE = "SELECT id, reference, text FROM contribution ORDER BY received_at DESC, id DESC LIMIT 50"


def median_ms(work: Callable[[], object]) -> float:
    """Run `work` once to warm up, then RUNS times; return the median in milliseconds."""
    work()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(name: str, runtime: Runtime) -> None:
    """Fill the database, then time the bare query and the staff pages."""
    upgrade(runtime.db.engine)
    with runtime.db.session() as session:
        consultation_id = seed_demo(session).id
        session.commit()
    started = time.perf_counter()
    generate(runtime.db.engine, consultation_id, COUNT)
    print(f"\n{name}: {COUNT} contributions generated in {time.perf_counter() - started:.1f} s")
    postgres = runtime.db.engine.dialect.name == "postgresql"
    with runtime.db.engine.connect() as conn:
        conn.execute(text(RARE))
        if postgres:
            conn.execute(text("ANALYZE"))
        conn.commit()
        bare = median_ms(lambda: conn.execute(text(BARE)).all())
    print(f"  bare SELECT … LIMIT 50      {bare:8.1f} ms")
    app = create_app(runtime_=runtime)
    add_user(runtime, "bench@gemeente.be", "viewer")
    client = app.test_client()
    sign_in(client, "bench@gemeente.be")
    indexed = {}
    for label, path in PAGES.items():
        took = median_ms(lambda path=path: _get(client, path))
        indexed[label] = took
        print(f"  {label:<27} {took:8.1f} ms   ({took / bare:.0f}× the bare query)")
    if not postgres:
        return
    with runtime.db.engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_contribution_text_trgm"))
    print("  without the trigram index:")
    for label, path in PAGES.items():
        if label.startswith("search"):
            took = median_ms(lambda path=path: _get(client, path))
            print(f"  {label:<27} {took:8.1f} ms   (index: {took / indexed[label]:.1f}× faster)")


def _get(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    response.close()


def main() -> None:
    """Measure on SQLite, then on PostgreSQL when it answers."""
    with tempfile.TemporaryDirectory() as folder:
        runtime = Runtime.start(make_settings(Path(folder)))
        measure("SQLite", runtime)
        runtime.db.dispose()
    try:
        admin = create_engine(POSTGRES, connect_args={"connect_timeout": 3})
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    except Exception as error:  # noqa: BLE001 - no server means no PostgreSQL figures
        print(f"\nPostgreSQL skipped: {type(error).__name__}")
        return
    try:
        with tempfile.TemporaryDirectory() as folder:
            url = f"{POSTGRES}?options=-csearch_path%3D{SCHEMA}"
            runtime = Runtime.start(make_settings(Path(folder), url))
            measure("PostgreSQL", runtime)
            runtime.db.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {SCHEMA} CASCADE"))
        admin.dispose()


if __name__ == "__main__":
    main()
