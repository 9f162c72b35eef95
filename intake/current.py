"""Request helpers shared by the core's and the plugins' views."""

from __future__ import annotations

from functools import cache

from flask import current_app, g, has_app_context, request
from sqlalchemy.orm import Session

from intake.plugins import Registry, discover
from intake.runtime import Runtime


def runtime() -> Runtime:
    """Return the runtime of the app serving this request."""
    return current_app.extensions["inspraak"]  # type: ignore[no-any-return]


def registry() -> Registry:
    """Return the plugins of the app serving this request, or else the installed ones."""
    return runtime().registry if has_app_context() else _installed()


@cache
def _installed() -> Registry:
    return discover()


def db_session() -> Session:
    """Return this request's database session; the view commits it once.

    Requests that may change something (POST and the like) get a writing session.
    """
    if "db_session" not in g:
        db = runtime().db
        reading = request.method in ("GET", "HEAD", "OPTIONS")
        g.db_session = (db.readers if reading else db.writers)()
    return g.db_session  # type: ignore[no-any-return]


def close_session(_error: BaseException | None) -> None:
    """Close the request's session at teardown (an uncommitted one rolls back)."""
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
