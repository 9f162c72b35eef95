"""The plain-HTML web form channel."""

from typing import Any

from flask import Flask, g, url_for

from channels.web.views import blueprint, render_csrf_failure
from intake.csrf import CSRFError
from intake.plugins import Plugin


def _privacy_link() -> dict[str, Any]:
    # The public pages' footer links to the privacy page, in the page's language.
    return {"privacy_url": url_for("web.privacy", lang=g.get("language"))}


def _init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, render_csrf_failure)
    app.context_processor(_privacy_link)


plugin = Plugin(name="web", blueprints=[blueprint], init_app=_init_app)
