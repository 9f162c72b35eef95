"""The Twilio Messaging webhook: verify → parse → decide → store and commit → TwiML."""

from __future__ import annotations

from xml.sax.saxutils import escape

from flask import Blueprint, Response, abort, request

from channels.sms.adapter import MalformedMessageError, TwilioMessage
from channels.sms.dialogue import Reply, carry_out, decide, reply_to
from channels.twilio.signature import twilio_webhook
from intake.current import runtime

blueprint = Blueprint("sms", __name__)
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
    with rt.db.reading() as connection:
        plan = decide(connection, message, settings)
        if not plan.writes:
            return twiml(reply_to(plan, None))
        stored = rt.db.write(lambda writing: carry_out(writing, plan), connection)
    return twiml(reply_to(plan, stored))
