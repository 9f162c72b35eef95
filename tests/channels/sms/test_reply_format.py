"""The webhook's answer is Twilio's own TwiML; a signature over the URL with its port counts."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from twilio.twiml.messaging_response import MessagingResponse

from channels.sms.dialogue import Reply
from channels.sms.views import twiml
from intake.runtime import Runtime
from tests.channels.sms.conftest import PUBLIC_URL, WEBHOOK, post_signed
from tests.channels.sms.helpers import contributions, reference_in, reply_of
from tests.support.twilio import message_params


@pytest.mark.parametrize(
    "text",
    [
        "Bedankt! Uw code is K7M-4PQ.",
        'Tekens die XML kent: <a href="x">, & en > \' "',
        "Émoji 🌳 en ĳ, ç, ß",
        "Twee\nregels\r\n",
        "",
    ],
)
def test_the_answer_is_the_document_twilios_library_writes(text: str) -> None:
    expected = MessagingResponse()
    expected.message(text)
    assert twiml(Reply("nl", text)).get_data(as_text=True) == str(expected)


def test_no_answer_is_an_empty_response() -> None:
    response = twiml(None)
    assert response.get_data(as_text=True) == str(MessagingResponse())
    assert response.mimetype == "text/xml"


def test_a_signature_over_the_url_with_its_port_is_accepted(
    sms_client: FlaskClient, sms_runtime: Runtime
) -> None:
    with_port = PUBLIC_URL.replace(".be", ".be:443") + WEBHOOK
    response = post_signed(sms_client, message_params("DEMO Meer bomen"), signed_url=with_port)
    assert reference_in(reply_of(response))
    assert len(contributions(sms_runtime)) == 1


def test_a_signature_over_another_port_is_refused(
    sms_client: FlaskClient, sms_runtime: Runtime
) -> None:
    other_port = PUBLIC_URL.replace(".be", ".be:8443") + WEBHOOK
    response = post_signed(sms_client, message_params("DEMO Meer bomen"), signed_url=other_port)
    assert response.status_code == 403
    assert contributions(sms_runtime) == []
