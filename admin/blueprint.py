"""The staff area's blueprint: every view behind the login guard, pages never cached."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, g
from flask.blueprints import BlueprintSetupState
from werkzeug.wrappers import Response

from admin import sessions, signin
from admin.auth import guard, may
from admin.labels import origin_label, reason_label, role_label
from intake.labels import channel_label, consultation_state
from intake.models import Role

TIMEZONE = ZoneInfo("Europe/Brussels")

blueprint = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
blueprint.before_request(guard)


@blueprint.record_once
def _provider(state: BlueprintSetupState) -> None:
    from admin import oidc

    oidc.setup(state.app, state.app.extensions["inspraak"].settings)


@blueprint.after_request
def _private(response: Response) -> Response:
    # Staff pages show residents' words and data: never keep them in a shared cache.
    # (Framing, sniffing and the content policy are the app factory's, for every page.)
    response.headers.setdefault("Cache-Control", "no-store")
    return signin.write_device_cookie(sessions.write_cookie(response))


def local_time(value: Any, pattern: str = "%d/%m/%Y %H:%M") -> str:
    """Show an aware UTC time as Brussels local time."""
    return value.astimezone(TIMEZONE).strftime(pattern) if value else ""


@blueprint.context_processor
def _staff_globals() -> dict[str, Any]:
    return {
        "staff_user": g.get("staff"),
        "may": may,
        "Role": Role,
        "local_time": local_time,
        "channel_label": channel_label,
        "consultation_state": consultation_state,
        "origin_label": origin_label,
        "reason_label": reason_label,
        "role_label": role_label,
    }
