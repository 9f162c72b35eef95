"""A reply cut short (a lost answer, a killed worker) is retried and reaches the resident once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import select, update

from intake.jobs.worker import Worker
from intake.models import Contributor, Job, JobStatus, OutboundMessage, utcnow
from intake.outbound import queue_message
from intake.runtime import Runtime
from tests.channels.sms.conftest import PUBLIC_URL, text
from tests.channels.sms.helpers import contributions, reference_in, reply_of
from tests.support.twilio import FakeTwilio

ROOT = Path(__file__).resolve().parents[3]
NUMBER = "+32470777666"
BODY = "Uw idee over bomen wordt besproken op 12 januari."


def _queue_reply(client: FlaskClient, runtime: Runtime) -> None:
    reference_in(reply_of(text(client, "DEMO Meer bomen", number=NUMBER)))
    contribution_id = contributions(runtime)[0].id
    with runtime.db.session() as session:
        contributor = session.scalars(select(Contributor)).one()
        queue_message(session, contributor, "sms", BODY, contribution_id=contribution_id)
        session.commit()


def _message(runtime: Runtime) -> OutboundMessage:
    with runtime.db.session() as session:
        return session.scalars(select(OutboundMessage)).one()


def _retry_now(runtime: Runtime) -> int:
    """Let the retry run at once: its backoff, or the dead worker's lease, is over."""
    past = utcnow() - timedelta(seconds=1)
    with runtime.db.session() as session:
        session.execute(update(Job).values(run_after=past, lease_until=past))
        session.commit()
    return Worker(runtime).run(until_idle=True)


def _received(twilio: FakeTwilio) -> list[str]:
    return [form["Body"] for form in twilio.messages if form["To"] == NUMBER]


def _assert_found_not_resent(runtime: Runtime, twilio: FakeTwilio) -> None:
    """The retry finds the first send at Twilio: one text, and its sid kept."""
    assert _retry_now(runtime) == 1
    assert _received(twilio) == [BODY]
    message = _message(runtime)
    assert message.status == "sent"
    assert message.provider_message_id == twilio.resources[0]["sid"]


def test_a_reply_whose_answer_was_lost_is_found_at_twilio_not_sent_again(
    sms_client: FlaskClient, sms_runtime: Runtime, twilio: FakeTwilio
) -> None:
    _queue_reply(sms_client, sms_runtime)
    twilio.lose_next_answers()
    Worker(sms_runtime).run(until_idle=True)
    assert _received(twilio) == [BODY]
    assert _message(sms_runtime).status == "sending"
    _assert_found_not_resent(sms_runtime, twilio)
    listed = [r for r in twilio.requests if r.method == "GET" and "Messages.json" in r.path]
    assert len(listed) == 1 and f"To=%2B{NUMBER[1:]}" in listed[0].path


def test_a_reply_refused_by_twilio_is_sent_on_the_retry(
    sms_client: FlaskClient, sms_runtime: Runtime, twilio: FakeTwilio
) -> None:
    _queue_reply(sms_client, sms_runtime)
    twilio.fail_next(503, 20503)
    Worker(sms_runtime).run(until_idle=True)
    assert _received(twilio) == []
    assert _message(sms_runtime).status == "queued"  # Twilio said no: nothing to look up
    _retry_now(sms_runtime)
    assert _received(twilio) == [BODY]
    assert _message(sms_runtime).status == "sent"
    assert not [r for r in twilio.requests if r.method == "GET"]


def test_a_worker_killed_mid_send_leaves_the_resident_one_text(
    sms_client: FlaskClient, sms_runtime: Runtime, twilio: FakeTwilio
) -> None:
    _queue_reply(sms_client, sms_runtime)
    release = twilio.hold_answers()
    settings = sms_runtime.settings
    env = {
        **os.environ,
        **twilio.env(INSPRAAK_PUBLIC_URL=PUBLIC_URL),
        "INSPRAAK_DATA_DIR": str(settings.data_dir),
        "INSPRAAK_DATABASE_URL": settings.database_url,
    }
    command = [sys.executable, "-m", "intake", "worker"]
    victim = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not twilio.resources:  # Twilio took the text; its answer is on the way
            assert time.monotonic() < deadline, "the worker never sent the reply"
            assert victim.poll() is None, "the worker stopped"
            time.sleep(0.05)
    finally:
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        release.set()
    twilio.held = None
    with sms_runtime.db.session() as session:
        job = session.scalars(select(Job)).one()
    assert job.status == JobStatus.RUNNING
    assert _message(sms_runtime).status == "sending"
    _assert_found_not_resent(sms_runtime, twilio)
