"""`POST /hooks/telegram`: check the secret token, store the update, answer at once."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from telegram import Update
from werkzeug.wrappers import Response

from channels.telegram.adapter import CHANNEL
from channels.telegram.dialogue import handle_update
from channels.telegram.secret import telegram_webhook
from intake.current import db_session, runtime

blueprint = Blueprint(CHANNEL, __name__)


@blueprint.post("/hooks/telegram")
@telegram_webhook
def webhook() -> Response:
    """Take one update from Telegram; replies and downloads are left to the worker."""
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
