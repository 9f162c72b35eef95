"""What the server lacks ends as a contribution kept, waiting for a person, and a problem named
on the dashboard: a recording gone from the media store, no speech model for a language, a
language missing from Tesseract."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from intake.app import create_app
from intake.inbound import Inbound, InboundMedia
from intake.jobs import enqueue
from intake.jobs.worker import Worker
from intake.migrations import upgrade
from intake.models import Attachment, Contribution, Job, JobStatus
from intake.receive import receive
from intake.runtime import Runtime
from intake.spool import Entry
from ocr.jobs import AWAITING_SCAN_READING, READ_SCAN_JOB
from tests.admin.conftest import add_user, sign_in
from tests.conftest import make_settings
from transcription.jobs import AWAITING_TRANSCRIPTION, TRANSCRIBE_JOB
from transcription.speech_models import packaged_korean_model

TESSDATA = Path("/usr/share/tesseract-ocr/5/tessdata")


def _submit(runtime: Runtime, data: bytes, kind: str, media_type: str, language: str) -> int:
    """Store a contribution with one file and the job that reads it, as a channel does."""
    sha256, size = runtime.media.put_bytes(data)
    audio = kind == "audio"
    with runtime.db.session() as session:
        receipt = receive(
            session,
            Inbound(
                channel="voice" if audio else "telegram",
                language=language,
                text_origin="none",
                media=(InboundMedia(kind, media_type, sha256=sha256, size=size),),
                needs_person_reason=AWAITING_TRANSCRIPTION if audio else AWAITING_SCAN_READING,
            ),
        )
        attachment_id = session.scalars(
            select(Attachment.id).where(Attachment.contribution_id == receipt.id)
        ).one()
        payload = {"contribution_id": receipt.id, "attachment_id": attachment_id}
        enqueue(
            session,
            TRANSCRIBE_JOB if audio else READ_SCAN_JOB,
            {**payload, "language": language},
            contribution_id=receipt.id,
        )
        session.commit()
    return receipt.id


def _waiting(runtime: Runtime, contribution_id: int) -> tuple[bool, str | None, int]:
    """Return whether the contribution waits for a person, why, and how many files it keeps."""
    with runtime.db.session(write=False) as session:
        contribution = session.get(Contribution, contribution_id)
        assert contribution is not None
        jobs = session.scalars(select(Job.status).where(Job.contribution_id == contribution_id))
        assert set(jobs) == {JobStatus.DONE}  # handled, not a crashed or dead job
        return (
            contribution.needs_person,
            contribution.needs_person_reason,
            len(contribution.attachments),
        )


def _staff(app: Flask, runtime: Runtime) -> FlaskClient:
    add_user(runtime, "beheer@gemeente.be", "admin")
    client = app.test_client()
    assert sign_in(client, "beheer@gemeente.be").status_code == 302
    return client


def _dashboard(client: FlaskClient, language: str = "nl") -> str:
    page = client.get(f"/admin/dashboard?lang={language}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("L", (400, 300), 255).save(out, format="PNG")
    return out.getvalue()


def test_no_speech_model_for_french_is_named_on_the_dashboard(runtime: Runtime, app: Flask) -> None:
    # No model is asked for the audio's bytes: the language decides first.
    first = _submit(runtime, b"RIFF first message", "audio", "audio/x-wav", "fr")
    second = _submit(runtime, b"OggS second message", "audio", "audio/ogg", "fr")
    assert Worker(runtime).run(until_idle=True) == 2
    for contribution_id in (first, second):
        assert _waiting(runtime, contribution_id) == (True, "no_speech_model", 1)
    staff = _staff(app, runtime)
    page = _dashboard(staff)
    assert "Problemen op de server" in page
    assert "Geen spraakmodel voor Français" in page and "2 bijdragen wachten op een mens" in page
    english = _dashboard(staff, "en")
    assert "No speech model for Français" in english


def test_a_recording_gone_from_the_media_store_waits_for_a_person(tmp_path: Path) -> None:
    korean_as_dutch = {"INSPRAAK_VOSK_MODEL_NL": str(packaged_korean_model())}
    runtime = Runtime.start(make_settings(tmp_path / "data", **korean_as_dutch))
    upgrade(runtime.db.engine)
    try:
        contribution_id = _submit(runtime, b"RIFF a message", "audio", "audio/x-wav", "nl")
        with runtime.db.session(write=False) as session:
            sha256 = session.scalars(select(Attachment.sha256)).one()
        assert sha256 is not None
        runtime.media.path(sha256).unlink()  # lost from the disk before the job ran
        assert Worker(runtime).run(until_idle=True) == 1
        assert _waiting(runtime, contribution_id) == (True, "audio_missing", 1)
        app = create_app(runtime_=runtime)
        app.config["TESTING"] = True
        page = _dashboard(_staff(app, runtime), "fr")
        assert "Des enregistrements manquent dans le stockage des médias" in page
        assert "1 contribution attend une personne" in page
    finally:
        runtime.db.dispose()


def test_a_language_missing_from_tesseract_is_named(
    runtime: Runtime,
    app: Flask,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A real Tesseract whose data folder holds Dutch only, as on a server set up in haste.
    partial = tmp_path / "tessdata"
    partial.mkdir()
    for name in ("nld.traineddata", "osd.traineddata"):
        (partial / name).symlink_to(TESSDATA / name)
    monkeypatch.setenv("TESSDATA_PREFIX", str(partial))
    contribution_id = _submit(runtime, _png(), "photo", "image/png", "nl")
    with caplog.at_level(logging.WARNING, logger="inspraak.ocr"):
        assert Worker(runtime).run(until_idle=True) == 1
    assert _waiting(runtime, contribution_id) == (True, "ocr_language_missing", 1)
    assert "fra, eng" in caplog.text
    page = _dashboard(_staff(app, runtime))
    assert "Tesseract mist een taal (nld, fra en eng zijn nodig)" in page


def test_a_scan_gone_from_the_media_store_waits_for_a_person(runtime: Runtime, app: Flask) -> None:
    contribution_id = _submit(runtime, _png(), "photo", "image/png", "nl")
    with runtime.db.session(write=False) as session:
        sha256 = session.scalars(select(Attachment.sha256)).one()
    assert sha256 is not None
    runtime.media.path(sha256).unlink()
    assert Worker(runtime).run(until_idle=True) == 1
    assert _waiting(runtime, contribution_id) == (True, "scan_missing", 1)
    page = _dashboard(_staff(app, runtime), "en")
    assert "Scans are missing from the media store" in page
    assert "1 contribution waits for a person" in page


def test_the_spool_depth_is_on_the_dashboard(runtime: Runtime, app: Flask) -> None:
    staff = _staff(app, runtime)
    assert "wachtend 0" in _dashboard(staff) and "apart gezet 0" in _dashboard(staff)
    runtime.spool.put(Entry("nowhere", "SM1", {"Body": "x"}))
    assert runtime.spool.replay({}).set_aside == 1  # no channel of that name: kept aside
    for number in (2, 3):
        runtime.spool.put(Entry("sms", f"SM{number}", {"Body": "y"}))
    page = _dashboard(staff)
    assert "wachtend 2" in page and "apart gezet 1" in page
    assert "spool/corrupt/" in page
    english = _dashboard(staff, "en")
    assert "waiting 2" in english and "set aside 1" in english
