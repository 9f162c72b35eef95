"""The Twilio Messaging webhook: verify → parse → decide → store and commit → TwiML.

Twilio does not retry a failed SMS webhook: when the database cannot take a message, it is
spooled (`intake.spool`) and the resident is thanked without a reference; `replay` stores it
once the database is back and texts the reference then.
"""

from __future__ import annotations

import logging
from xml.sax.saxutils import escape

from flask import Blueprint, Response, abort, request

from channels.sms import texts
from channels.sms.adapter import WHATSAPP, MalformedMessageError, TwilioMessage, spool_sender
from channels.sms.dialogue import Reply, answer
from channels.twilio.client import send_message
from channels.twilio.signature import twilio_webhook
from intake.current import runtime
from intake.db import UNAVAILABLE, retry_dropped
from intake.errors import describe
from intake.i18n import DEFAULT_LANGUAGE, using_language
from intake.language import detect
from intake.runtime import Runtime
from intake.spool import Entry

blueprint = Blueprint("sms", __name__)
log = logging.getLogger("inspraak.sms")
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'


def twiml(reply: Reply | None) -> Response:
    """Render the reply as Twilio's `<Response><Message>`; an empty response sends nothing."""
    # The very document `MessagingResponse` writes, without building an element tree on
    # every message for one element.
    if reply is None:
        return Response(f"{XML_DECLARATION}<Response />", mimetype="text/xml")
    message = f"<Message>{escape(reply.text)}</Message>" if reply.text else "<Message />"
    return Response(f"{XML_DECLARATION}<Response>{message}</Response>", mimetype="text/xml")


@blueprint.post("/hooks/twilio/sms")
@twilio_webhook
def incoming() -> Response:
    """Receive an SMS or WhatsApp message from Twilio and answer it."""
    rt = runtime()
    settings = rt.settings
    try:
        message = TwilioMessage.from_form(request.form)
    except MalformedMessageError:
        abort(400)
    try:
        # Keyed on the message id: a second run after a dropped connection stores it once.
        return twiml(retry_dropped(lambda: answer(rt.db, message, settings)))
    except UNAVAILABLE as error:
        log.warning("message %s spooled: database unavailable (%s)", message.sid, describe(error))
    sender = spool_sender(settings.secret_key, message)
    rt.spool.put(Entry(message.channel, message.sid, dict(request.form), sender=sender))
    with using_language(detect(message.body) or DEFAULT_LANGUAGE) as language:
        return twiml(Reply(language, texts.spooled()))


def replay(rt: Runtime, entry: Entry) -> None:
    """Store a spooled message as the webhook would have, and text the answer it missed."""
    message = TwilioMessage.from_form(entry.payload)
    reply = answer(rt.db, message, rt.settings, only_new=True)
    if reply is None or not reply.text:
        return
    try:
        send_message(rt, message.number, reply.text, whatsapp=message.channel == WHATSAPP)
    except Exception as error:  # noqa: BLE001 - stored it is; the resident can ask STATUS
        log.warning("message %s stored, answer not sent: %s", message.sid, describe(error))
