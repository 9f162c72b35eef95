"""Seconds of voicemail count once for the municipality called, whichever callback comes."""

from __future__ import annotations

from flask.testing import FlaskClient

from intake.models import utcnow
from intake.runtime import Runtime
from intake.usage import month_of, report
from tests.channels.voice.conftest import Caller
from tests.support.twilio import FakeTwilio


def test_a_voicemail_counts_its_seconds_once(
    voice_client: FlaskClient, voice_runtime: Runtime, twilio: FakeTwilio
) -> None:
    caller = Caller(voice_client)
    question = caller.press(caller.dial(), "1")
    sid, url = twilio.add_recording(b"RIFF recorded words")
    assert caller.callback(question, sid, url, seconds=95).status_code == 204
    caller.callback(question, sid, url, seconds=95)  # Twilio calls back again: counted once

    with voice_runtime.db.session(write=False) as session:
        (default,) = report(session, [month_of(utcnow())])
    assert default.quantities["voice_seconds:in"] == 95
    assert default.quantities["contributions:voice"] == 1
