"""`POST /hooks/telegram`: check the secret token, store the update, answer at once."""

from __future__ import annotations

import hmac

from flask import Blueprint, abort, jsonify, request
from telegram import Update
from werkzeug.wrappers import Response

from channels.telegram.adapter import CHANNEL
from channels.telegram.conversation import handle_update
from intake.current import db_session, runtime

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
blueprint = Blueprint(CHANNEL, __name__)


def _check_secret() -> None:
    settings = runtime().settings
    if not settings.telegram_bot_token:
        abort(404)
    expected = settings.telegram_webhook_secret or ""
    given = request.headers.get(SECRET_HEADER, "")
    if not expected or not hmac.compare_digest(expected.encode(), given.encode()):
        abort(403)


@blueprint.post("/hooks/telegram")
def webhook() -> Response:
    """Take one update from Telegram; replies and downloads are left to the worker."""
    _check_secret()
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400)
    try:
        update = Update.de_json(data, None)
    except (KeyError, TypeError, ValueError, AttributeError):
        abort(400)
    session = db_session()
    immediate = handle_update(session, runtime(), update)
    session.commit()
    if immediate is None:
        return Response(status=200)
    # Telegram performs a method given in the webhook's answer: no extra request needed.
    return jsonify({"method": immediate.method, **immediate.params})
