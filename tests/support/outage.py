"""A migrated runtime with the demo consultation, for tests that take its database away."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask.testing import FlaskClient
from sqlalchemy.pool import NullPool

from intake.app import create_app
from intake.config import Settings
from intake.consultations import seed_demo
from intake.migrations import upgrade
from intake.runtime import Runtime


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
