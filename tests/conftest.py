"""Shared fixtures: settings on a temporary data dir, SQLite and PostgreSQL databases, apps."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from intake.app import create_app
from intake.config import Settings, load_settings
from intake.consultations import seed_demo
from intake.migrations import upgrade
from intake.runtime import Runtime
from tests.support.dbproxy import DatabaseRelay, relay_for

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_url() -> str | None:
    """Return a reachable PostgreSQL URL for tests, or None (then such tests skip)."""
    url = os.environ.get("INSPRAAK_TEST_POSTGRES_URL") or DEFAULT_POSTGRES
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3}, poolclass=NullPool)
        with engine.connect():
            pass
    except Exception:  # noqa: BLE001 - any failure means "no server here"
        return None
    try:
        with engine.begin() as conn:
            # Database-wide, outside the tests' private schemas, so dropping one keeps it.
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    except Exception:  # noqa: BLE001 - another test process created it at the same moment
        pass
    finally:
        engine.dispose()
    return url


_POSTGRES = postgres_url()


def _skip_without_postgres() -> None:
    if _POSTGRES is None:
        message = "no PostgreSQL server: set INSPRAAK_TEST_POSTGRES_URL to run these tests"
        if os.environ.get("INSPRAAK_REQUIRE_POSTGRES"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def postgres_schema_url() -> Iterator[str]:
    """Give a URL whose connections live in a fresh, private schema of the test server."""
    _skip_without_postgres()
    assert _POSTGRES is not None
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_engine(_POSTGRES)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in _POSTGRES else "?"
    yield f"{_POSTGRES}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def make_settings(data_dir: Path, database_url: str | None = None, **env: str) -> Settings:
    """Build settings for a test the way the environment would."""
    values = {"INSPRAAK_DATA_DIR": str(data_dir), **env}
    if database_url:
        values["INSPRAAK_DATABASE_URL"] = database_url
    return load_settings(values)


@pytest.fixture
def relay(postgres_schema_url: str) -> Iterator[DatabaseRelay]:
    """A relay to the test's PostgreSQL schema that the test can cut and restore."""
    with relay_for(postgres_schema_url) as relay:
        yield relay


@pytest.fixture
def outage_settings(
    relay: DatabaseRelay, postgres_schema_url: str, tmp_path: Path
) -> Callable[..., Settings]:
    """Build settings (from env-like keywords) whose database is reached through `relay`."""
    return lambda **env: make_settings(tmp_path / "data", relay.url(postgres_schema_url), **env)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Run the test once on a SQLite file and once on the real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'inspraak.db'}"
    return str(request.getfixturevalue("postgres_schema_url"))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings on a temporary data dir with a SQLite file."""
    return make_settings(tmp_path / "data")


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    """A migrated database with the demo consultation, on SQLite."""
    rt = Runtime.start(settings)
    upgrade(rt.db.engine)
    with rt.db.session() as session:
        seed_demo(session)
        session.commit()
    yield rt
    rt.db.dispose()


@pytest.fixture
def any_runtime(database_url: str, tmp_path: Path) -> Iterator[Runtime]:
    """A migrated database with the demo consultation, on SQLite and on PostgreSQL."""
    rt = Runtime.start(make_settings(tmp_path / "data", database_url))
    upgrade(rt.db.engine)
    with rt.db.session() as session:
        seed_demo(session)
        session.commit()
    yield rt
    rt.db.dispose()


@pytest.fixture
def session(any_runtime: Runtime) -> Iterator[Session]:
    """A session on each database engine."""
    with any_runtime.db.session() as s:
        yield s


@pytest.fixture
def app(runtime: Runtime) -> Flask:
    """The web app on the SQLite runtime."""
    app = create_app(runtime_=runtime)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the web app."""
    return app.test_client()
