"""End to end: the real server process runs the phone menu; a worker fetches the recording."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import requests
from sqlalchemy import select

from intake.consultations import seed_demo
from intake.jobs.worker import Worker
from intake.migrations import upgrade
from intake.models import Attachment, Contribution
from intake.references import spoken
from intake.runtime import Runtime
from tests.channels.voice.conftest import CALLER, recording_fields
from tests.conftest import make_settings
from tests.server import running_server
from tests.support.twilio import ACCOUNT_SID, FakeTwilio, new_sid, sign


def test_the_served_phone_menu_takes_a_call_from_greeting_to_reference(
    tmp_path: Path, twilio: FakeTwilio, phone_wav: bytes
) -> None:
    env = twilio.env()
    runtime = Runtime.start(make_settings(tmp_path, **env))
    upgrade(runtime.db.engine)
    with runtime.db.session() as session:
        seed_demo(session)
        session.commit()
    call = {"AccountSid": ACCOUNT_SID, "CallSid": new_sid("CA"), "From": CALLER}

    def post(url: str, **extra: str) -> requests.Response:
        params = {**call, **extra}
        headers = {"X-Twilio-Signature": sign(url, params)}
        return requests.post(url, data=params, headers=headers, timeout=10)

    with running_server(tmp_path, **env) as base:
        forged = requests.post(
            f"{base}/hooks/twilio/voice", data=call, headers={"X-Twilio-Signature": "x"}, timeout=10
        )
        assert forged.status_code == 403
        greeting = ET.fromstring(post(f"{base}/hooks/twilio/voice").content)
        gather = greeting.find("Gather")
        assert gather is not None and gather.attrib["action"].startswith(base)
        question = ET.fromstring(post(gather.attrib["action"], Digits="3").content)
        record = question.find("Record")
        assert record is not None
        sid, url = twilio.add_recording(phone_wav)
        thanks = post(record.attrib["action"], Digits="#", **recording_fields(sid, url, 4))
        assert thanks.status_code == 200
    with runtime.db.session() as session:
        contribution = session.scalars(select(Contribution)).one()
    assert spoken(contribution.reference) in thanks.text and contribution.language == "en"
    Worker(runtime).run(until_idle=True)
    with runtime.db.session() as session:
        audio = session.scalars(select(Attachment)).one()
    assert audio.sha256 and twilio.deleted == [sid]
    runtime.db.dispose()
