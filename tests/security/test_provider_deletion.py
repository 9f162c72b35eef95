"""What Inspraak downloaded from Twilio is deleted there, once our copy is stored and committed.

MMS and WhatsApp media go through `DELETE …/Messages/{MessageSid}/Media/{MediaSid}.json`,
call recordings through `DELETE …/Recordings/{Sid}.json`, each as a retried job of its own
that erasing the contribution meanwhile does not cancel. One setting switches both off.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, select, update

from intake.app import create_app
from intake.jobs import claim_next_job, enqueue
from intake.jobs.worker import Worker
from intake.models import Attachment, Contribution, Job, JobStatus, utcnow
from intake.privacy import erase_contributions
from intake.runtime import Runtime
from tests.channels.sms.conftest import PUBLIC_URL, start_runtime, text
from tests.channels.voice.conftest import Caller, phone_wav, voice_env
from tests.support.http import Recorded, Reply
from tests.support.twilio import FakeTwilio, fake_twilio

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
__all__ = ["phone_wav"]  # the spoken voicemail fixture of the phone channel's tests


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    with fake_twilio() as fake:
        yield fake


def _client(runtime: Runtime) -> FlaskClient:
    app = create_app(runtime_=runtime)
    app.config["TESTING"] = True
    return app.test_client()


def _jobs(runtime: Runtime) -> list[Job]:
    with runtime.db.session() as session:
        return list(session.scalars(select(Job).order_by(Job.id)))


def _kept_when_deleted(twilio: FakeTwilio, url: str, database_url: str, media: Path) -> list[bool]:
    """Make the fake look, at each DELETE, whether our copy is committed and on disk."""
    path = url.removeprefix(twilio.base_url) + ".json"
    delete = twilio.server.routes[("DELETE", path)]
    seen: list[bool] = []

    def checked(request: Recorded) -> Reply:
        # Another connection than the worker's: it sees only what is committed.
        engine = create_engine(database_url)
        with engine.connect() as connection:
            keys = connection.scalars(select(Attachment.sha256)).all()
        engine.dispose()
        stored = [k for k in keys if k and (media / k[:2] / k[2:4] / k).exists()]
        seen.append(bool(stored))
        return delete(request)

    twilio.server.route("DELETE", path, checked)
    return seen


@pytest.mark.parametrize("whatsapp", [False, True], ids=["mms", "whatsapp"])
def test_message_media_are_deleted_at_twilio_once_our_copy_is_committed(
    tmp_path: Path, twilio: FakeTwilio, whatsapp: bool
) -> None:
    runtime = start_runtime(tmp_path / "data", **twilio.env(INSPRAAK_PUBLIC_URL=PUBLIC_URL))
    photo, scan = twilio.add_media(JPEG), twilio.add_media(PNG, "image/png")
    seen = _kept_when_deleted(
        twilio, photo, runtime.settings.database_url, runtime.settings.media_dir
    )
    media = [(photo, "image/jpeg"), (scan, "image/png")]
    text(_client(runtime), "DEMO Deze stoep is kapot", media=media, whatsapp=whatsapp)

    assert Worker(runtime).run(until_idle=True) == 4  # two downloads, then two deletions

    deleted = [r for r in twilio.requests if r.method == "DELETE"]
    assert [r.path for r in deleted] == [
        photo.removeprefix(twilio.base_url) + ".json",
        scan.removeprefix(twilio.base_url) + ".json",
    ]
    assert seen == [True]  # the copy was committed and on disk when Twilio's went
    assert len(twilio.deleted_media) == 2
    kinds = [(job.kind, job.status) for job in _jobs(runtime)]
    assert kinds == [
        ("sms.media", JobStatus.DONE),
        ("sms.media", JobStatus.DONE),
        ("sms.delete_media", JobStatus.DONE),
        ("sms.delete_media", JobStatus.DONE),
    ]
    with runtime.db.session() as session:
        keys = set(session.scalars(select(Attachment.sha256)))
    assert keys == {hashlib.sha256(JPEG).hexdigest(), hashlib.sha256(PNG).hexdigest()}
    runtime.db.dispose()


def test_media_already_gone_at_twilio_count_as_deleted(tmp_path: Path, twilio: FakeTwilio) -> None:
    runtime = start_runtime(tmp_path / "data", **twilio.env(INSPRAAK_PUBLIC_URL=PUBLIC_URL))
    url = twilio.add_media(JPEG)
    message_sid, media_sid = url.split("/Messages/")[1].split("/Media/")
    twilio.deleted_media.append(media_sid)  # deleted in Twilio's console meanwhile
    with runtime.db.session() as session:
        payload = {"message_sid": message_sid, "media_sid": media_sid}
        enqueue(session, "sms.delete_media", payload)
        session.commit()
    Worker(runtime).run(until_idle=True)
    [job] = _jobs(runtime)
    assert job.status == JobStatus.DONE and job.attempts == 1
    assert [r.method for r in twilio.requests] == ["DELETE"]
    runtime.db.dispose()


def test_a_failed_deletion_is_retried(tmp_path: Path, twilio: FakeTwilio) -> None:
    runtime = start_runtime(tmp_path / "data", **twilio.env(INSPRAAK_PUBLIC_URL=PUBLIC_URL))
    url = twilio.add_media(JPEG)
    path = url.removeprefix(twilio.base_url) + ".json"
    delete = twilio.server.routes[("DELETE", path)]
    twilio.server.route("DELETE", path, Reply(503, b'{"code": 20503, "status": 503}'))
    text(_client(runtime), "DEMO Kijk", media=[(url, "image/jpeg")])
    Worker(runtime).run(until_idle=True)
    failed = [job for job in _jobs(runtime) if job.kind == "sms.delete_media"]
    assert [(j.status, j.attempts) for j in failed] == [(JobStatus.QUEUED, 1)]
    assert "HTTP 503" in (failed[0].last_error or "")

    twilio.server.route("DELETE", path, delete)
    with runtime.db.session() as session:
        session.execute(update(Job).values(run_after=utcnow()))
        session.commit()
    Worker(runtime).run(until_idle=True)
    assert len(twilio.deleted_media) == 1
    runtime.db.dispose()


def test_erasing_the_contribution_does_not_cancel_the_deletion(
    tmp_path: Path, twilio: FakeTwilio
) -> None:
    runtime = start_runtime(tmp_path / "data", **twilio.env(INSPRAAK_PUBLIC_URL=PUBLIC_URL))
    url = twilio.add_media(JPEG)
    text(_client(runtime), "DEMO Kijk", media=[(url, "image/jpeg")])
    worker = Worker(runtime)
    with runtime.db.session() as session:
        download = claim_next_job(session, worker.worker_id, 60)
    assert download is not None and download.kind == "sms.media"
    worker.run_job(download)
    with runtime.db.session() as session:  # staff erase it before the deletion ran
        ids = list(session.scalars(select(Contribution.id)))
        erase_contributions(session, ids)
        session.commit()

    worker.run(until_idle=True)
    assert len(twilio.deleted_media) == 1
    assert [(j.kind, j.status) for j in _jobs(runtime)] == [("sms.delete_media", JobStatus.DONE)]
    runtime.db.dispose()


def test_refused_media_stay_at_twilio_and_the_setting_switches_deletion_off(
    tmp_path: Path, twilio: FakeTwilio
) -> None:
    # The earlier name of the setting still works, and covers message media as well.
    env = twilio.env(INSPRAAK_PUBLIC_URL=PUBLIC_URL, INSPRAAK_DELETE_PROVIDER_RECORDINGS="false")
    runtime = start_runtime(tmp_path / "off", **env)
    kept = twilio.add_media(JPEG)
    text(_client(runtime), "DEMO Kijk", media=[(kept, "image/jpeg")])
    Worker(runtime).run(until_idle=True)
    assert [j.kind for j in _jobs(runtime)] == ["sms.media"]
    runtime.db.dispose()

    runtime = start_runtime(tmp_path / "on", **twilio.env(INSPRAAK_PUBLIC_URL=PUBLIC_URL))
    refused = twilio.add_media(JPEG).replace("127.0.0.1", "localhost")  # not an allowed host
    text(_client(runtime), "DEMO Kijk", media=[(refused, "image/jpeg")])
    Worker(runtime).run(until_idle=True)
    assert [j.kind for j in _jobs(runtime)] == ["sms.media"]  # no copy: staff fetch it there
    runtime.db.dispose()

    assert twilio.deleted_media == [] and not [r for r in twilio.requests if r.method == "DELETE"]


def test_a_recording_is_deleted_at_twilio_even_when_its_contribution_was_erased(
    tmp_path: Path, twilio: FakeTwilio, phone_wav: bytes
) -> None:
    runtime = start_runtime(tmp_path / "data", **voice_env(twilio))
    caller = Caller(_client(runtime))
    question = caller.press(caller.dial(), "1")
    sid, url = twilio.add_recording(phone_wav)
    caller.callback(question, sid, url)
    worker = Worker(runtime)
    with runtime.db.session() as session:
        download = claim_next_job(session, worker.worker_id, 60)
    assert download is not None and download.kind == "voice.fetch_recording"
    worker.run_job(download)
    with runtime.db.session() as session:
        erase_contributions(session, list(session.scalars(select(Contribution.id))))
        session.commit()

    worker.run(until_idle=True)
    assert twilio.deleted == [sid]
    assert [(j.kind, j.status) for j in _jobs(runtime)] == [
        ("voice.delete_recording", JobStatus.DONE)
    ]
    runtime.db.dispose()


@pytest.mark.parametrize(
    ("lang", "deleted", "telegram"),
    [
        ("nl", "wissen we bij Twilio zodra", "De bot kan ze daar niet wissen"),
        ("fr", "chez Twilio dès que", "Le bot ne peut pas les y effacer"),
        ("en", "at Twilio as soon as", "The bot cannot delete them there"),
    ],
)
def test_residents_read_what_is_deleted_at_the_providers_and_what_stays(
    tmp_path: Path, twilio: FakeTwilio, lang: str, deleted: str, telegram: str
) -> None:
    runtime = start_runtime(tmp_path / "on", **twilio.env())
    client = _client(runtime)
    home = client.get(f"/?lang={lang}").get_data(as_text=True)
    form = client.get(f"/c/demo?lang={lang}").get_data(as_text=True)
    assert f'href="/privacy?lang={lang}"' in home and f'href="/privacy?lang={lang}"' in form
    page = client.get(f"/privacy?lang={lang}")
    assert page.status_code == 200 and f'<html lang="{lang}"' in page.get_data(as_text=True)
    assert deleted in page.get_data(as_text=True)
    assert telegram in page.get_data(as_text=True)
    runtime.db.dispose()

    off = start_runtime(tmp_path / "off", **twilio.env(INSPRAAK_DELETE_AT_PROVIDER="false"))
    kept = _client(off).get(f"/privacy?lang={lang}").get_data(as_text=True)
    assert deleted not in kept and telegram in kept
    off.db.dispose()
