"""The recording's download: retries, refused hosts, and Twilio's copy deleted afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from intake import privacy
from intake.app import create_app
from intake.config import ConfigError
from intake.jobs import enqueue
from intake.jobs.worker import Worker
from intake.models import Attachment, Contribution, Job, JobStatus, utcnow
from intake.runtime import Runtime
from tests.channels.voice.conftest import Caller, start_runtime, voice_env
from tests.conftest import make_settings
from tests.support.http import Reply
from tests.support.twilio import FakeTwilio


def _recorded_call(client: FlaskClient, twilio: FakeTwilio, audio: bytes) -> tuple[str, str]:
    caller = Caller(client)
    question = caller.press(caller.dial(), "1")
    sid, url = twilio.add_recording(audio)
    caller.callback(question, sid, url)
    return sid, url


def _jobs(runtime: Runtime) -> dict[str, tuple[str, int]]:
    with runtime.db.session() as session:
        return {job.kind: (job.status, job.attempts) for job in session.scalars(select(Job))}


def _only(runtime: Runtime) -> tuple[Contribution, list[Attachment]]:
    with runtime.db.session() as session:
        contribution = session.scalars(select(Contribution)).one()
        return contribution, list(session.scalars(select(Attachment)))


def test_a_download_that_fails_is_retried_and_then_succeeds(
    voice_client: FlaskClient, voice_runtime: Runtime, twilio: FakeTwilio, phone_wav: bytes
) -> None:
    sid, url = _recorded_call(voice_client, twilio, phone_wav)
    path = url.removeprefix(twilio.base_url) + ".wav"
    serve = twilio.server.routes[("GET", path)]
    twilio.server.route("GET", path, Reply(503, b"busy"))

    Worker(voice_runtime).run(until_idle=True)
    assert _jobs(voice_runtime) == {"voice.fetch_recording": (JobStatus.QUEUED, 1)}
    assert twilio.deleted == []

    twilio.server.route("GET", path, serve)
    with voice_runtime.db.session() as session:
        session.execute(update(Job).values(run_after=utcnow()))
        session.commit()
    Worker(voice_runtime).run(until_idle=True)

    jobs = _jobs(voice_runtime)
    assert jobs["voice.fetch_recording"] == (JobStatus.DONE, 2)
    assert jobs["transcription.transcribe"][0] == JobStatus.DONE
    assert jobs["voice.delete_recording"][0] == JobStatus.DONE
    _contribution, (audio,) = _only(voice_runtime)
    assert audio.sha256 and voice_runtime.media.path(audio.sha256).read_bytes() == phone_wav
    assert twilio.deleted == [sid]


def test_a_recording_on_a_host_not_allowed_is_not_fetched_and_waits_for_a_person(
    voice_client: FlaskClient, voice_runtime: Runtime, twilio: FakeTwilio, phone_wav: bytes
) -> None:
    caller = Caller(voice_client)
    question = caller.press(caller.dial(), "1")
    sid, url = twilio.add_recording(phone_wav)
    caller.callback(question, sid, url.replace("127.0.0.1", "localhost"))

    Worker(voice_runtime).run(until_idle=True)

    contribution, (trace,) = _only(voice_runtime)
    assert (contribution.needs_person, contribution.needs_person_reason) == (True, "media_refused")
    assert trace.sha256 is None and trace.details["missing"] == "media_refused"
    assert not [r for r in twilio.requests if r.method == "GET"]
    assert twilio.deleted == []
    assert _jobs(voice_runtime) == {"voice.fetch_recording": (JobStatus.DONE, 1)}


def test_twilio_keeps_its_copy_when_deletion_is_switched_off(
    tmp_path: Path, twilio: FakeTwilio, phone_wav: bytes, voice_database: str | None
) -> None:
    env = voice_env(twilio, INSPRAAK_DELETE_PROVIDER_RECORDINGS="false")
    rt = start_runtime(tmp_path / "data", voice_database, **env)
    try:
        _recorded_call(create_app(runtime_=rt).test_client(), twilio, phone_wav)
        Worker(rt).run(until_idle=True)
        assert "voice.delete_recording" not in _jobs(rt)
        assert twilio.deleted == []
        _contribution, (audio,) = _only(rt)
        assert audio.sha256 is not None
    finally:
        rt.db.dispose()


def test_a_recording_already_deleted_at_twilio_counts_as_deleted(
    voice_client: FlaskClient, voice_runtime: Runtime, twilio: FakeTwilio, phone_wav: bytes
) -> None:
    sid, _url = _recorded_call(voice_client, twilio, phone_wav)
    Worker(voice_runtime).run(until_idle=True)  # fetched, then deleted at Twilio
    with voice_runtime.db.session() as session:  # deleted again: Twilio answers 404
        enqueue(session, "voice.delete_recording", {"recording_sid": sid})
        session.commit()
    Worker(voice_runtime).run(until_idle=True)
    assert twilio.deleted == [sid]
    assert [r.method for r in twilio.requests].count("DELETE") == 2
    with voice_runtime.db.session() as session:
        statuses = set(session.scalars(select(Job.status)))
    assert statuses == {JobStatus.DONE}


def test_the_deletion_setting_is_on_by_default_and_checked(tmp_path: Path) -> None:
    assert make_settings(tmp_path).delete_at_provider is True
    off = make_settings(tmp_path, INSPRAAK_DELETE_PROVIDER_RECORDINGS="no")  # the earlier name
    assert off.delete_at_provider is False
    assert make_settings(tmp_path, INSPRAAK_DELETE_AT_PROVIDER="off").delete_at_provider is False
    with pytest.raises(ConfigError, match="disagree"):
        make_settings(
            tmp_path, INSPRAAK_DELETE_AT_PROVIDER="yes", INSPRAAK_DELETE_PROVIDER_RECORDINGS="no"
        )
    with pytest.raises(ConfigError, match="INSPRAAK_DELETE_PROVIDER_RECORDINGS"):
        make_settings(tmp_path, INSPRAAK_DELETE_PROVIDER_RECORDINGS="maybe")


def test_a_call_erased_before_its_recording_came_home_is_deleted_at_twilio(
    voice_client: FlaskClient, voice_runtime: Runtime, twilio: FakeTwilio, phone_wav: bytes
) -> None:
    sid, _url = _recorded_call(voice_client, twilio, phone_wav)
    with voice_runtime.db.session() as session:
        reference = session.scalars(select(Contribution.reference)).one()
        privacy.erase_contribution(
            session,
            reference,
            secret=voice_runtime.settings.secret_key,
            reason="Verzoek van de beller",
            keep_jobs=voice_runtime.registry.after_erasure,
        )
        session.commit()
    Worker(voice_runtime).run(until_idle=True)
    assert twilio.deleted == [sid]
    assert not [r for r in twilio.requests if r.method == "GET"]  # never fetched
    with voice_runtime.db.session() as session:
        assert session.scalars(select(Contribution)).all() == []
        assert set(session.scalars(select(Job.status))) == {JobStatus.DONE}
    stored = [p for p in voice_runtime.settings.data_dir.rglob("media/**/*") if p.is_file()]
    assert [p for p in stored if not p.name.startswith(".")] == []
