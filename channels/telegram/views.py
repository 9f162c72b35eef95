"""`POST /hooks/telegram`: check the secret token, store the update, answer at once.

When the database cannot take the update, it is spooled (`intake.spool`) and Telegram gets
a 200 so it does not deliver it again; a message is answered with a thank-you that says the
reference follows. `replay` stores it once the database is back, as the webhook would have.
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, jsonify, request
from telegram import Update
from werkzeug.wrappers import Response

from channels.telegram import client
from channels.telegram.adapter import CHANNEL, spool_entry
from channels.telegram.dialogue import handle_update, while_away
from channels.telegram.secret import telegram_webhook
from intake.current import db_session, runtime
from intake.db import UNAVAILABLE
from intake.errors import describe
from intake.runtime import Runtime
from intake.spool import Entry
from intake.tenancy import enter

blueprint = Blueprint(CHANNEL, __name__)
log = logging.getLogger("inspraak.telegram")


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
    rt = runtime()
    try:
        session = db_session()
        immediate = handle_update(session, rt, update)
        session.commit()
    except UNAVAILABLE as error:
        log.warning(
            "update %s spooled: database unavailable (%s)", update.update_id, describe(error)
        )
        rt.spool.put(spool_entry(rt.settings.secret_key, update, data))
        immediate = while_away(update)
    if immediate is None:
        return Response(status=200)
    # Telegram performs a method given in the webhook's answer: no extra request needed.
    return jsonify({"method": immediate.method, **immediate.params})


@blueprint.post("/hooks/telegram/<path>")
def tenant_webhook(path: str) -> Response:
    """Take an update sent to a municipality's own bot, at the path given to that bot."""
    tenant = runtime().tenants.by_telegram_path(path)
    if tenant is None:
        abort(404)
    enter(tenant.id)
    return webhook()


def replay(rt: Runtime, entry: Entry) -> None:
    """Store a spooled update as the webhook would have; its replies are queued as usual."""
    update = Update.de_json(dict(entry.payload), None)
    with rt.db.session() as session:
        immediate = handle_update(session, rt, update)
        session.commit()
    # A button's spinner was stopped when the update was spooled, and its query has expired.
    if immediate is not None and immediate.method != "answerCallbackQuery":
        client.call_now(rt.tenant_settings(), immediate.method, immediate.params)
