"""The Flask app factory: core routes, language negotiation, and the plugins' blueprints."""

from __future__ import annotations

import functools
import logging
from types import TracebackType
from typing import Any

from flask import Flask, current_app, g, render_template, request
from flask.logging import default_handler
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from werkzeug.datastructures import LanguageAccept
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_accept_header
from werkzeug.middleware.proxy_fix import ProxyFix

from intake import health, i18n, logo, logs
from intake.branding import accent_style
from intake.config import Settings
from intake.csrf import init_csrf
from intake.current import close_session
from intake.errors import safe_traceback
from intake.headers import protective_headers
from intake.labels import status_explanation, status_label
from intake.runtime import Runtime
from intake.tenancy import current_tenant_id
from intake.tenants import TenantRouter

log = logging.getLogger("inspraak.web")
MAX_REQUEST_BYTES = 25 * 1024 * 1024


@functools.lru_cache(maxsize=256)
def _browser_language(accept_language: str | None, offered: tuple[str, ...]) -> str:
    # Browsers send a handful of different headers; parsing one costs more than the rest
    # of choosing the language.
    accepted = parse_accept_header(accept_language, LanguageAccept)
    fallback = i18n.DEFAULT_LANGUAGE if i18n.DEFAULT_LANGUAGE in offered else offered[0]
    return accepted.best_match(offered, fallback)


def _negotiate_language() -> None:
    # The languages this municipality offers (all three unless it chose fewer).
    offered = current_app.extensions["inspraak"].tenants.get(current_tenant_id()).languages
    asked = request.args.get("lang") or request.form.get("lang")
    if asked in offered:
        language = asked
    else:
        language = _browser_language(request.headers.get("Accept-Language"), offered)
    g.language = language
    g.language_token = i18n.set_language(language)


def _forget_language(_error: BaseException | None) -> None:
    # The language belongs to this request; the thread's next request or job sets its own.
    token = g.pop("language_token", None)
    if token is not None:
        i18n.reset_language(token)


class _CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, the signer built once per key instead of per request."""

    def __init__(self) -> None:
        self._signer: tuple[tuple[object, ...], URLSafeTimedSerializer | None] = ((), None)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        made_for, signer = self._signer
        if made_for != keys:
            signer = super().get_signing_serializer(app)
            self._signer = (keys, signer)
        return signer


class InspraakFlask(Flask):
    """Flask, logging a failed request by its route and a safe description of the error."""

    def log_exception(
        self,
        exc_info: tuple[type[BaseException], BaseException, TracebackType]
        | tuple[None, None, None],
    ) -> None:
        """Log an unhandled error without its message: it may carry the request's data."""
        error = exc_info[1]
        if error is None:
            return
        self.logger.error(
            "Exception on %s [%s]\n%s", request.path, request.method, safe_traceback(error)
        )


def _error_page(error: HTTPException) -> tuple[str, int]:
    return render_template("error.html", error=error), error.code or 500


def create_app(settings: Settings | None = None, runtime_: Runtime | None = None) -> Flask:
    """Build the web app: core routes plus every registered plugin's blueprints."""
    rt = runtime_ or Runtime.start(settings)
    app = InspraakFlask("intake", template_folder="templates")
    logs.protect(default_handler)  # Flask's own handler, used when nobody configured logging
    app.config.update(
        SECRET_KEY=rt.settings.secret_key,
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=(rt.settings.public_url or "").startswith("https:"),
        TEMPLATES_AUTO_RELOAD=False,
    )
    app.extensions["inspraak"] = rt
    app.session_interface = _CookieSessions()
    # Inside the proxy fix: the host it routes by is the one the resident asked for.
    app.wsgi_app = TenantRouter(app.wsgi_app, rt.tenants)  # type: ignore[method-assign]
    if rt.settings.proxy_hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=rt.settings.proxy_hops,
            x_proto=rt.settings.proxy_hops,
            x_host=rt.settings.proxy_hops,
        )
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    app.jinja_env.globals.update(
        LANGUAGES=i18n.LANGUAGES,
        LANGUAGE_NAMES=i18n.LANGUAGE_NAMES,
        status_label=status_label,
        status_explanation=status_explanation,
    )
    app.before_request(_negotiate_language)
    app.teardown_request(close_session)
    app.teardown_request(_forget_language)
    app.register_error_handler(HTTPException, _error_page)
    init_csrf(app)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(logo.blueprint)
    for plugin in rt.registry.plugins.values():
        for blueprint in plugin.blueprints:
            app.register_blueprint(blueprint)
        if plugin.init_app is not None:
            plugin.init_app(app)
    # Last, so the policy sees every blueprint's templates, and this hook runs after theirs.
    app.after_request(protective_headers(app, rt.settings))

    @app.context_processor
    def page_globals() -> dict[str, Any]:
        tenant = rt.tenants.get(current_tenant_id())
        return {
            "language": g.get("language", i18n.DEFAULT_LANGUAGE),
            "tenant": tenant,
            "accent_style": accent_style(tenant.accent),
        }

    return app
