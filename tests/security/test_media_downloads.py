"""Residents' photos and voices are fetched over https only: plain http is refused.

Plain http is allowed for a host only when the operator lists it as `http://host`
(a Bot API server inside the town hall's network; these tests' fake providers).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.app import create_app
from intake.config import DEFAULT_MEDIA_HOSTS, ConfigError
from intake.fetch import host_allowed
from intake.jobs.worker import Worker
from intake.models import Attachment, Contribution, Job, JobStatus
from intake.runtime import Runtime
from tests.channels.sms.conftest import PUBLIC_URL, start_runtime, text
from tests.conftest import make_settings
from tests.support.telegram import SECRET, fake_telegram, message, photo
from tests.support.twilio import FakeTwilio, fake_twilio

JPEG = b"\xff\xd8\xff\xe0" + b"photo" * 50 + b"\xff\xd9"


def _client(runtime: Runtime) -> FlaskClient:
    app = create_app(runtime_=runtime)
    app.config["TESTING"] = True
    return app.test_client()


def _stored(runtime: Runtime) -> tuple[Contribution, list[Attachment], list[Job]]:
    with runtime.db.session() as session:
        contribution = session.scalars(select(Contribution)).one()
        attachments = list(session.scalars(select(Attachment)))
        return contribution, attachments, list(session.scalars(select(Job)))


@pytest.fixture
def twilio() -> FakeTwilio:
    with fake_twilio() as fake:
        yield fake


def test_an_mms_photo_over_plain_http_is_refused_unless_listed_as_such(
    tmp_path: Path, twilio: FakeTwilio
) -> None:
    # The host is allowed, but only by name: that means https.
    env = twilio.env(INSPRAAK_PUBLIC_URL=PUBLIC_URL, INSPRAAK_MEDIA_HOSTS="127.0.0.1")
    runtime = start_runtime(tmp_path / "strict", **env)
    url = twilio.add_media(JPEG)
    assert url.startswith("http://127.0.0.1:")
    text(_client(runtime), "DEMO Kijk naar deze stoep", media=[(url, "image/jpeg")])
    Worker(runtime).run(until_idle=True)
    contribution, [note], jobs = _stored(runtime)
    runtime.db.dispose()

    assert contribution.needs_person and contribution.needs_person_reason == "media_refused"
    assert note.sha256 is None and note.details["missing"] == "media_refused"
    assert "http://127.0.0.1" in note.details["detail"]
    assert [r for r in twilio.requests if r.method == "GET"] == []  # not even asked for
    assert {job.status for job in jobs} == {JobStatus.DONE}

    listed = start_runtime(
        tmp_path / "listed", **{**env, "INSPRAAK_MEDIA_HOSTS": "http://127.0.0.1"}
    )
    text(_client(listed), "DEMO Kijk naar deze stoep", media=[(url, "image/jpeg")])
    Worker(listed).run(until_idle=True)
    contribution, [kept], _jobs = _stored(listed)
    listed.db.dispose()
    assert not contribution.needs_person and kept.size == len(JPEG)


def test_a_telegram_file_over_plain_http_is_refused(tmp_path: Path) -> None:
    with fake_telegram() as api:
        runtime = start_runtime(
            tmp_path / "data", **{**api.env(), "INSPRAAK_MEDIA_HOSTS": "127.0.0.1"}
        )
        api.add_file("PHOTO-1", JPEG, "photos/file_1.jpg")
        answer = _client(runtime).post(
            "/hooks/telegram",
            json=message(5_550_201, **photo("PHOTO-1", len(JPEG))),
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        assert answer.status_code == 200
        Worker(runtime).run(until_idle=True)
        downloads = [r for r in api.server.requests if r.path.startswith("/file/")]
    contribution, [attachment], _jobs = _stored(runtime)
    runtime.db.dispose()
    assert contribution.needs_person_reason == "media_not_downloaded"
    assert attachment.sha256 is None and downloads == []


def test_the_default_hosts_are_https_only_and_bad_entries_stop_start_up(tmp_path: Path) -> None:
    assert make_settings(tmp_path).media_hosts == DEFAULT_MEDIA_HOSTS
    for host in DEFAULT_MEDIA_HOSTS:
        assert host_allowed(f"https://{host}/2010-04-01/x", DEFAULT_MEDIA_HOSTS)
        assert not host_allowed(f"http://{host}/2010-04-01/x", DEFAULT_MEDIA_HOSTS)
    listed = make_settings(tmp_path, INSPRAAK_MEDIA_HOSTS="https://cdn.example.be, http://bot.lan")
    assert listed.media_hosts == ("cdn.example.be", "http://bot.lan")
    assert not host_allowed("http://cdn.example.be/a.jpg", listed.media_hosts)
    assert host_allowed("http://bot.lan/file/bot1/a.jpg", listed.media_hosts)
    assert host_allowed("https://bot.lan/file/bot1/a.jpg", listed.media_hosts)
    for bad in ("ftp://files.example.be", "cdn.example.be/path", "http://"):
        with pytest.raises(ConfigError, match="INSPRAAK_MEDIA_HOSTS"):
            make_settings(tmp_path, INSPRAAK_MEDIA_HOSTS=bad)
