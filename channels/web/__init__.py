"""The plain-HTML web form channel."""

from flask import Flask

from channels.web import contact, results
from channels.web.blueprint import blueprint
from channels.web.views import render_csrf_failure
from intake.csrf import CSRFError
from intake.plugins import Plugin

__all__ = ["contact", "plugin", "results"]


def _init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, render_csrf_failure)


plugin = Plugin(name="web", blueprints=[blueprint], init_app=_init_app)
