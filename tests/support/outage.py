"""Taking the database away from a test's runtime: a demo runtime, and SQLite locked."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from flask.testing import FlaskClient
from sqlalchemy.pool import NullPool

from intake.app import create_app
from intake.config import Settings
from intake.consultations import seed_demo
from intake.migrations import upgrade
from intake.runtime import Runtime

# A second process that takes SQLite's write lock, as a long batch job or a stuck tool would.
_HOLD_LOCK = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
connection.execute("ROLLBACK")
"""


@contextmanager
def demo_runtime(settings: Settings) -> Iterator[Runtime]:
    """Start a runtime without a connection pool, so a cut relay is felt by the next request."""
    rt = Runtime.start(settings, poolclass=NullPool)
    upgrade(rt.db.engine)
    with rt.db.session() as session:
        seed_demo(session)
        session.commit()
    try:
        yield rt
    finally:
        rt.db.dispose()


def web_client(runtime: Runtime) -> FlaskClient:
    """Return a test client of the web app on `runtime`."""
    app = create_app(runtime_=runtime)
    app.config["TESTING"] = True
    return app.test_client()


@contextmanager
def sqlite_locked(runtime: Runtime) -> Iterator[None]:
    """Hold the write lock of the runtime's SQLite file from another process for the block."""
    database = runtime.db.engine.url.database
    assert database
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, database],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.communicate("\n", timeout=10)
    assert holder.returncode == 0
