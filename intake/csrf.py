"""CSRF protection for every form: a per-session token checked on each unsafe request."""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, request, session
from werkzeug.exceptions import BadRequest

FIELD = "csrf_token"
SESSION_KEY = "_csrf"


class CSRFError(BadRequest):
    """The form came without this session's token (an old page, or another site)."""

    description = "csrf"


def csrf_token() -> str:
    """Return this browser session's token, creating it on first use."""
    token = session.get(SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return str(token)


def init_csrf(app: Flask, exempt_prefixes: tuple[str, ...] = ("/hooks/",)) -> None:
    """Refuse POSTs without the session's token; provider webhooks carry signatures instead."""

    @app.before_request
    def check() -> None:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return
        if request.path.startswith(exempt_prefixes):
            return
        expected = session.get(SESSION_KEY)
        given = request.form.get(FIELD, "")
        if not expected or not hmac.compare_digest(str(expected), given):
            raise CSRFError()

    app.jinja_env.globals["csrf_token"] = csrf_token
