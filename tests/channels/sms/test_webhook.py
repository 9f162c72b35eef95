"""The Messaging webhook: signatures, retries, what is stored and what is answered."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.app import create_app
from intake.hashing import keyed_hash
from intake.models import Contributor
from intake.runtime import Runtime
from tests.channels.sms.conftest import PUBLIC_URL, WEBHOOK, post_signed, start_runtime, text
from tests.channels.sms.helpers import contributions, reference_in, reply_of
from tests.support.twilio import FakeTwilio, message_params, sign

NUMBER = "+32470123456"


def test_a_message_is_stored_and_answered_with_its_reference(
    sms_client: FlaskClient, sms_runtime: Runtime
) -> None:
    reply = reply_of(text(sms_client, "DEMO Ik wil graag meer bomen en bankjes", number=NUMBER))
    reference = reference_in(reply)
    assert reply and reply.startswith("Bedankt!") and f"STATUS {reference}" in reply
    [stored] = contributions(sms_runtime)
    assert stored.reference == reference and stored.channel == "sms"
    assert stored.text == "Ik wil graag meer bomen en bankjes" and stored.language == "nl"
    assert stored.text_origin == "typed" and stored.channel_message_id.startswith("SM")
    with sms_runtime.db.session() as session:
        contributor = session.scalars(select(Contributor)).one()
    secret = sms_runtime.settings.secret_key
    assert contributor.address_hash == keyed_hash(secret, "phone", NUMBER)
    assert contributor.address == NUMBER and not contributor.wants_updates


def test_a_retried_webhook_gets_the_same_reply_and_stores_nothing_new(
    sms_client: FlaskClient, sms_runtime: Runtime
) -> None:
    params = message_params("DEMO Een hondenweide graag")
    first = reply_of(post_signed(sms_client, params))
    again = reply_of(post_signed(sms_client, params))
    assert first == again and first is not None
    assert len(contributions(sms_runtime)) == 1


SIGNATURES = {
    "forged": lambda params: {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
    "other-form": lambda params: {
        "X-Twilio-Signature": sign(PUBLIC_URL + WEBHOOK, {**params, "Body": "iets anders"})
    },
    "other-url": lambda params: {
        "X-Twilio-Signature": sign(PUBLIC_URL + "/hooks/twilio/voice", params)
    },
    "missing": lambda params: {},
}


@pytest.mark.parametrize("kind", SIGNATURES)
def test_a_webhook_without_a_valid_signature_is_refused_and_nothing_stored(
    sms_client: FlaskClient, sms_runtime: Runtime, kind: str
) -> None:
    params = message_params("DEMO Meer bomen")
    response = sms_client.post(WEBHOOK, data=params, headers=SIGNATURES[kind](params))
    assert response.status_code == 403
    assert contributions(sms_runtime) == []


def test_a_signature_for_another_url_is_refused(
    sms_client: FlaskClient, sms_runtime: Runtime
) -> None:
    params = message_params("DEMO Meer bomen")
    for url in (
        "https://elders.example.be" + WEBHOOK,
        PUBLIC_URL + "/hooks/twilio/voice",
        "http://localhost" + WEBHOOK,
    ):
        assert post_signed(sms_client, params, signed_url=url).status_code == 403
    assert post_signed(sms_client, params, token="0" * 32).status_code == 403
    assert contributions(sms_runtime) == []


def test_the_query_string_is_part_of_the_signed_url(
    sms_client: FlaskClient, sms_runtime: Runtime
) -> None:
    params = message_params("DEMO Meer bomen")
    path = WEBHOOK + "?source=nummer2"
    refused = post_signed(sms_client, params, path=path)
    assert refused.status_code == 403
    assert reply_of(post_signed(sms_client, params, path=path, signed_url=PUBLIC_URL + path))


def test_without_public_url_the_request_url_is_checked(tmp_path: Path, twilio: FakeTwilio) -> None:
    runtime = start_runtime(tmp_path / "data", **twilio.env())
    try:
        client = create_app(runtime_=runtime).test_client()
        params = message_params("DEMO Meer bomen")
        assert post_signed(client, params).status_code == 403
        local = post_signed(client, params, signed_url="http://localhost" + WEBHOOK)
        assert reference_in(reply_of(local))
    finally:
        runtime.db.dispose()


def test_the_channel_is_off_without_twilio_credentials(client: FlaskClient) -> None:
    params = message_params("DEMO Meer bomen")
    assert post_signed(client, params).status_code == 404


def test_a_webhook_without_sender_is_a_bad_request(sms_client: FlaskClient) -> None:
    params = message_params("DEMO Meer bomen")
    del params["From"]
    assert post_signed(sms_client, params).status_code == 400


def test_whatsapp_messages_come_in_on_the_same_webhook(
    sms_client: FlaskClient, sms_runtime: Runtime
) -> None:
    reply = reply_of(text(sms_client, "DEMO More trees please", number=NUMBER, whatsapp=True))
    assert reply and reply.startswith("Thank you!")
    [stored] = contributions(sms_runtime)
    assert stored.channel == "whatsapp" and stored.language == "en"
    with sms_runtime.db.session() as session:
        contributor = session.scalars(select(Contributor)).one()
    assert contributor.address == NUMBER
    assert contributor.address_hash == keyed_hash(sms_runtime.settings.secret_key, "phone", NUMBER)


def test_numbers_and_texts_stay_out_of_the_logs(
    sms_client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    text(sms_client, "DEMO Geheime boodschap over de speeltuin", number=NUMBER)
    sms_client.post(WEBHOOK, data=message_params("DEMO Geheime boodschap", number=NUMBER))
    logged = caplog.text
    assert NUMBER not in logged and "Geheime" not in logged
    assert "signature" in logged
