"""Replies and updates go out through Twilio's Messages API, retried, never to opted-out numbers."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from intake.app import create_app
from intake.config import ConfigError
from intake.jobs.worker import Worker
from intake.models import Contributor, Job, JobStatus, OutboundMessage, utcnow
from intake.outbound import queue_message
from intake.runtime import Runtime
from tests.channels.sms.conftest import post_signed, start_runtime, text
from tests.channels.sms.helpers import contributions, reference_in, reply_of
from tests.conftest import make_settings
from tests.support.twilio import ACCOUNT_SID, AUTH_TOKEN, OUR_NUMBER, FakeTwilio, message_params

NUMBER = "+32470888999"
SERVICE = "MG" + "ab" * 16


def _queue(runtime: Runtime, channel: str, body: str) -> OutboundMessage | None:
    contribution_id = contributions(runtime)[0].id
    with runtime.db.session() as session:
        contributor = session.scalars(select(Contributor)).one()
        message = queue_message(
            session, contributor, channel, body, contribution_id=contribution_id
        )
        session.commit()
        return message


def _messages(runtime: Runtime) -> list[OutboundMessage]:
    with runtime.db.session() as session:
        return list(session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))


def _run_due_jobs_now(runtime: Runtime) -> int:
    with runtime.db.session() as session:
        session.execute(update(Job).values(run_after=utcnow() - timedelta(seconds=1)))
        session.commit()
    return Worker(runtime).run(until_idle=True)


def test_a_reply_is_posted_to_the_messages_api_with_basic_auth(
    sms_client: FlaskClient, sms_runtime: Runtime, twilio: FakeTwilio
) -> None:
    reference_in(reply_of(text(sms_client, "DEMO Meer bomen", number=NUMBER)))
    _queue(sms_runtime, "sms", "Bedankt, we nemen uw idee mee. 🌳")
    assert Worker(sms_runtime).run(until_idle=True) == 1
    [request] = [r for r in twilio.requests if r.method == "POST"]
    assert request.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert request.basic_auth == (ACCOUNT_SID, AUTH_TOKEN)
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert dict(parse_qsl(request.body.decode())) == {
        "To": NUMBER,
        "From": OUR_NUMBER,
        "Body": "Bedankt, we nemen uw idee mee. 🌳",
    }
    [message] = _messages(sms_runtime)
    assert message.status == "sent" and (message.provider_message_id or "").startswith("SM")


def test_a_failure_at_twilio_is_retried_not_lost(
    sms_client: FlaskClient, sms_runtime: Runtime, twilio: FakeTwilio
) -> None:
    reference_in(reply_of(text(sms_client, "DEMO Meer bomen", number=NUMBER)))
    twilio.fail_next(500, times=2)
    _queue(sms_runtime, "sms", "Nieuws over uw bijdrage")
    Worker(sms_runtime).run(until_idle=True)
    [message] = _messages(sms_runtime)
    assert message.status == "queued" and twilio.messages == []
    with sms_runtime.db.session() as session:
        job = session.scalars(select(Job)).one()
    assert job.status == JobStatus.QUEUED and "500" in (job.last_error or "")
    assert NUMBER not in (job.last_error or "")
    _run_due_jobs_now(sms_runtime)
    assert _messages(sms_runtime)[0].status == "queued"
    _run_due_jobs_now(sms_runtime)
    assert _messages(sms_runtime)[0].status == "sent"
    assert [m["Body"] for m in twilio.messages] == ["Nieuws over uw bijdrage"]


def test_whatsapp_replies_go_back_with_the_whatsapp_prefix(
    sms_client: FlaskClient, sms_runtime: Runtime, twilio: FakeTwilio
) -> None:
    reference_in(reply_of(text(sms_client, "DEMO Meer bomen", number=NUMBER, whatsapp=True)))
    _queue(sms_runtime, contributions(sms_runtime)[0].channel, "Bedankt!")
    Worker(sms_runtime).run(until_idle=True)
    assert twilio.messages == [
        {"To": f"whatsapp:{NUMBER}", "From": f"whatsapp:{OUR_NUMBER}", "Body": "Bedankt!"}
    ]


def test_a_messaging_service_can_send_instead_of_a_number(
    tmp_path: Path, twilio: FakeTwilio
) -> None:
    runtime = start_runtime(tmp_path / "data", **twilio.env(TWILIO_FROM_NUMBER=SERVICE))
    try:
        client = create_app(runtime_=runtime).test_client()
        params = message_params("DEMO Meer bomen", number=NUMBER)
        reference_in(
            reply_of(post_signed(client, params, signed_url="http://localhost/hooks/twilio/sms"))
        )
        _queue(runtime, "sms", "Hallo")
        Worker(runtime).run(until_idle=True)
    finally:
        runtime.db.dispose()
    assert twilio.messages == [{"To": NUMBER, "MessagingServiceSid": SERVICE, "Body": "Hallo"}]


def test_opted_out_numbers_get_nothing(
    sms_client: FlaskClient, sms_runtime: Runtime, twilio: FakeTwilio
) -> None:
    reference_in(reply_of(text(sms_client, "DEMO Meer bomen", number=NUMBER)))
    assert _queue(sms_runtime, "sms", "Eerste") is not None
    text(sms_client, "STOP", number=NUMBER)
    assert _queue(sms_runtime, "sms", "Tweede") is None
    Worker(sms_runtime).run(until_idle=True)
    assert [m.status for m in _messages(sms_runtime)] == ["suppressed"]
    assert twilio.messages == []


def test_a_number_twilio_says_opted_out_is_marked_unreachable(
    sms_client: FlaskClient, sms_runtime: Runtime, twilio: FakeTwilio
) -> None:
    reference_in(reply_of(text(sms_client, "DEMO Meer bomen", number=NUMBER)))
    twilio.fail_next(400, code=21610)
    _queue(sms_runtime, "sms", "Nieuws")
    Worker(sms_runtime).run(until_idle=True)
    [message] = _messages(sms_runtime)
    assert message.status == "failed"
    with sms_runtime.db.session() as session:
        assert session.scalars(select(Contributor.unreachable)).one()


def test_the_sending_number_is_checked_at_start_up(tmp_path: Path) -> None:
    assert make_settings(tmp_path, TWILIO_FROM_NUMBER=SERVICE).twilio_from_number == SERVICE
    assert make_settings(tmp_path).twilio_from_number is None
    for wrong in ("0470 12 34 56", "MG123", "+32 2 555"):
        with pytest.raises(ConfigError, match="TWILIO_FROM_NUMBER"):
            make_settings(tmp_path, TWILIO_FROM_NUMBER=wrong)
