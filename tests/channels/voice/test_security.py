"""Every step of the phone menu answers only Twilio, and only while Twilio is configured."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from intake.app import create_app
from intake.models import Contribution, ConversationState
from intake.runtime import Runtime
from tests.channels.voice.conftest import PUBLIC_URL, Caller, start_runtime
from tests.support.twilio import AUTH_TOKEN, sign

STEPS = [
    "/hooks/twilio/voice",
    "/hooks/twilio/voice/language",
    "/hooks/twilio/voice/consultation",
    "/hooks/twilio/voice/done",
    "/hooks/twilio/recording",
]


def _stored(runtime: Runtime) -> tuple[int, int]:
    with runtime.db.session() as session:
        contributions = session.scalar(select(func.count()).select_from(Contribution))
        states = session.scalar(select(func.count()).select_from(ConversationState))
    return int(contributions or 0), int(states or 0)


@pytest.mark.parametrize("path", STEPS)
def test_a_forged_or_missing_signature_is_refused(
    path: str, voice_client: FlaskClient, voice_runtime: Runtime
) -> None:
    params = Caller(voice_client).params(
        Digits="1", RecordingSid="RE" + "0" * 32, RecordingUrl="https://api.twilio.com/x"
    )
    forged = sign(PUBLIC_URL + path, params, "0" * len(AUTH_TOKEN))
    wrong_url = sign(PUBLIC_URL + "/elsewhere", params)
    for headers in ({"X-Twilio-Signature": forged}, {"X-Twilio-Signature": wrong_url}, {}):
        assert voice_client.post(path, data=params, headers=headers).status_code == 403
    assert _stored(voice_runtime) == (0, 0)


def test_a_signature_over_changed_fields_is_refused(voice_client: FlaskClient) -> None:
    caller = Caller(voice_client)
    params = caller.params(Digits="1")
    signature = sign(PUBLIC_URL + STEPS[1], params)
    changed = {**params, "Digits": "3"}
    response = voice_client.post(STEPS[1], data=changed, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403


@pytest.mark.parametrize("path", STEPS)
def test_without_twilio_credentials_the_phone_routes_do_not_exist(
    path: str, tmp_path: Path
) -> None:
    rt = start_runtime(tmp_path / "data")
    try:
        client = create_app(runtime_=rt).test_client()
        params = Caller(client).params()
        headers = {"X-Twilio-Signature": sign("http://localhost" + path, params)}
        assert client.post(path, data=params, headers=headers).status_code == 404
    finally:
        rt.db.dispose()


def test_the_call_state_is_keyed_by_a_hash_and_holds_no_number(
    voice_client: FlaskClient, voice_runtime: Runtime
) -> None:
    caller = Caller(voice_client)
    caller.press(caller.dial(), "2")
    with voice_runtime.db.session() as session:
        state = session.scalars(select(ConversationState)).one()
    assert state.channel == "voice" and state.language == "fr"
    assert caller.sid not in state.key_hash
    assert caller.number not in str(state.data) and caller.number[1:] not in str(state.data)
