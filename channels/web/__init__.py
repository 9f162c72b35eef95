"""The plain-HTML web form channel."""

from typing import Any

from flask import Flask, g, url_for

from channels.web.adapter import CHANNEL
from channels.web.views import blueprint, render_csrf_failure
from intake.csrf import CSRFError
from intake.i18n import N_
from intake.plugins import Channel, Plugin


def _privacy_link() -> dict[str, Any]:
    # The public pages' footer links to the privacy page, in the page's language.
    return {"privacy_url": url_for("web.privacy", lang=g.get("language"))}


def _init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, render_csrf_failure)
    app.context_processor(_privacy_link)


plugin = Plugin(
    name="web",
    blueprints=[blueprint],
    init_app=_init_app,
    # A reply goes where the contact the resident typed (and confirmed) leads.
    channels=[
        Channel(
            CHANNEL,
            N_("Website"),
            addresses={"phone": N_("Telefoonnummer"), "email": N_("E-mailadres")},
        )
    ],
)
