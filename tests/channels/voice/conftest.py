"""Fixtures for the phone channel: a fake Twilio, an app for it, a caller, spoken audio."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from intake.app import create_app
from intake.consultations import save, seed_demo
from intake.migrations import upgrade
from intake.runtime import Runtime
from tests.conftest import make_settings
from tests.support.twilio import ACCOUNT_SID, OUR_NUMBER, FakeTwilio, fake_twilio, new_sid, sign
from tests.transcription.speech import SENTENCE, encode, speak
from transcription.speech_models import packaged_korean_model

PUBLIC_URL = "https://inspraak.example.be"
VOICE_URL = PUBLIC_URL + "/hooks/twilio/voice"
CALLER = "+32470123456"


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    """A fake Twilio account on 127.0.0.1."""
    with fake_twilio() as fake:
        yield fake


def voice_env(twilio: FakeTwilio, **extra: str) -> dict[str, str]:
    """Settings for the phone channel; Dutch speech is served by the Korean test model."""
    return twilio.env(
        INSPRAAK_PUBLIC_URL=PUBLIC_URL,
        INSPRAAK_VOSK_MODEL_NL=str(packaged_korean_model()),
        **extra,
    )


def start_runtime(data_dir: Path, database_url: str | None = None, **env: str) -> Runtime:
    """Build a migrated runtime with the demo consultation from env-like settings."""
    rt = Runtime.start(make_settings(data_dir, database_url, **env))
    upgrade(rt.db.engine)
    with rt.db.session() as session:
        seed_demo(session)
        session.commit()
    return rt


def add_second_consultation(runtime: Runtime) -> None:
    """Open a second consultation, phone digit 2, so the menu asks which one."""
    with runtime.db.session() as session:
        save(
            session,
            {
                "slug": "fietspad",
                "status": "open",
                "phone_digit": 2,
                "texts": {
                    "nl": {"title": "Het fietspad", "question": "Waar moet het fietspad komen?"},
                    "fr": {"title": "La piste cyclable", "question": "Où la mettre ?"},
                },
            },
        )
        session.commit()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test of the phone channel's runtime on SQLite and on the real PostgreSQL."""
    if "voice_database" in metafunc.fixturenames:
        engines = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
        metafunc.parametrize("voice_database", engines, indirect=True)


@pytest.fixture
def voice_database(request: pytest.FixtureRequest) -> str | None:
    """The database of `voice_runtime`: a SQLite file, or a schema of the PostgreSQL server."""
    if request.param == "sqlite":
        return None
    return str(request.getfixturevalue("postgres_schema_url"))


@pytest.fixture
def voice_runtime(
    tmp_path: Path, twilio: FakeTwilio, voice_database: str | None
) -> Iterator[Runtime]:
    """A runtime with Twilio on, behind a proxy at PUBLIC_URL, with the demo consultation."""
    rt = start_runtime(tmp_path / "data", voice_database, **voice_env(twilio))
    yield rt
    rt.db.dispose()


@pytest.fixture
def voice_client(voice_runtime: Runtime) -> FlaskClient:
    """A test client that plays Twilio."""
    app = create_app(runtime_=voice_runtime)
    app.config["TESTING"] = True
    return app.test_client()


@pytest.fixture(scope="session")
def phone_wav(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A spoken sentence as Twilio records it: 8 kHz, 16-bit, mono WAV."""
    folder = tmp_path_factory.mktemp("voicemail")
    speak(SENTENCE, folder / "source.wav")
    return encode(
        folder / "source.wav", folder / "phone.wav", ["-ar", "8000", "-ac", "1"]
    ).read_bytes()


@dataclass
class Caller:
    """One phone call, making Twilio's signed requests to the app."""

    client: FlaskClient
    number: str = CALLER
    sid: str = field(default_factory=lambda: new_sid("CA"))

    def params(self, **extra: str) -> dict[str, str]:
        """Return the fields Twilio sends with every request of this call."""
        return {
            "AccountSid": ACCOUNT_SID,
            "ApiVersion": "2010-04-01",
            "CallSid": self.sid,
            "CallStatus": "in-progress",
            "Direction": "inbound",
            "From": self.number,
            "To": OUR_NUMBER,
            **extra,
        }

    def post(self, url: str, **extra: str) -> TestResponse:
        """POST to `url` as Twilio, signed for the public URL."""
        params = self.params(**extra)
        headers = {"X-Twilio-Signature": sign(url, params)}
        return self.client.post(_path(url), data=params, headers=headers)

    def dial(self) -> ET.Element:
        """Call in and return the greeting's TwiML."""
        return twiml(self.post(VOICE_URL))

    def press(self, document: ET.Element, digits: str | None) -> ET.Element:
        """Press keys at the document's `<Gather>`, or wait for its fall-through redirect."""
        if digits is None:
            redirect = document.find("Redirect")
            assert redirect is not None and redirect.text
            return twiml(self.post(redirect.text))
        gather = document.find("Gather")
        assert gather is not None
        return twiml(self.post(gather.attrib["action"], Digits=digits))

    def record(self, document: ET.Element, sid: str, url: str, seconds: int = 4) -> ET.Element:
        """Finish the `<Record>` with # and follow its action."""
        action = record_of(document).attrib["action"]
        fields = recording_fields(sid, url, seconds)
        return twiml(self.post(action, Digits="#", **fields))

    def callback(self, document: ET.Element, sid: str, url: str, seconds: int = 4) -> TestResponse:
        """Post the `recordingStatusCallback` Twilio sends once the file is ready."""
        target = record_of(document).attrib["recordingStatusCallback"]
        fields = recording_fields(sid, url, seconds)
        params = {
            "AccountSid": ACCOUNT_SID,
            "CallSid": self.sid,
            "RecordingStatus": "completed",
            "RecordingChannels": "1",
            "RecordingSource": "RecordVerb",
            "RecordingStartTime": "Sat, 28 Nov 2026 18:00:00 +0000",
            **fields,
        }
        headers = {"X-Twilio-Signature": sign(target, params)}
        return self.client.post(_path(target), data=params, headers=headers)


def _path(url: str) -> str:
    """Return the path and query of a public URL, to request from the test client."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def recording_fields(sid: str, url: str, seconds: int) -> dict[str, str]:
    """Return the recording fields of the `<Record>` action and the status callback."""
    return {"RecordingSid": sid, "RecordingUrl": url, "RecordingDuration": str(seconds)}


def twiml(response: TestResponse) -> ET.Element:
    """Parse a TwiML answer, failing the test on anything but 200 XML."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/xml"
    return ET.fromstring(response.get_data())


def record_of(document: ET.Element) -> ET.Element:
    """Return the document's `<Record>` verb."""
    record = document.find("Record")
    assert record is not None, ET.tostring(document)
    return record


def spoken_text(document: ET.Element) -> list[str]:
    """Return every sentence the document says, in order."""
    return [say.text or "" for say in document.iter("Say")]
