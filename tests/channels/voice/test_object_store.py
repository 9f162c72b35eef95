"""A voicemail whose recording lives in an S3-compatible bucket: stored, transcribed, played."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from intake import privacy
from intake.app import create_app
from intake.jobs.worker import Worker
from intake.models import Attachment, Contribution
from intake.staff import create_user
from tests.admin.conftest import PASSWORD, sign_in
from tests.channels.voice.conftest import Caller, start_runtime, voice_env
from tests.support.s3 import ObjectServer, object_server
from tests.support.twilio import FakeTwilio


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[ObjectServer]:
    with object_server() as server:
        for name, value in server.env().items():
            monkeypatch.setenv(name, value)
        yield server


def test_a_voicemail_kept_in_the_bucket_is_transcribed_erasable_and_played_by_range(
    tmp_path: Path,
    twilio: FakeTwilio,
    s3: ObjectServer,
    phone_wav: bytes,
    voice_database: str | None,
) -> None:
    data_dir = tmp_path / "data"
    env = voice_env(twilio, **s3.env(sse="AES256"))
    runtime = start_runtime(data_dir, voice_database, **env)
    app = create_app(runtime_=runtime)
    app.config["TESTING"] = True
    caller = Caller(app.test_client())
    question = caller.press(caller.dial(), "1")
    sid, url = twilio.add_recording(phone_wav)
    caller.callback(question, sid, url)

    Worker(runtime).run(until_idle=True)

    with runtime.db.session() as session:
        contribution = session.scalars(select(Contribution)).one()
        (audio,) = session.scalars(select(Attachment)).all()
        assert contribution.text_origin == "transcribed" and audio.sha256
        key, attachment_id = audio.sha256, audio.id
        create_user(session, "viewer@gemeente.be", "viewer", PASSWORD)
        session.commit()
    (name, head), *_ = s3.objects().items()
    assert name.endswith(key) and head["ServerSideEncryption"] == "AES256"
    assert twilio.deleted == [sid]  # Twilio's copy goes once the bucket has ours
    # Nothing of the recording stays on this machine's disk: not in media/, not in tmp/.
    assert not any(path.is_file() for path in data_dir.rglob("*") if key in path.name)
    assert not [p for p in (data_dir / "tmp").iterdir() if p.is_file()]

    staff = app.test_client()
    assert sign_in(staff, "viewer@gemeente.be").status_code == 302
    part = staff.get(f"/admin/media/{attachment_id}", headers={"Range": "bytes=44-99"})
    assert part.status_code == 206 and part.get_data() == phone_wav[44:100]
    assert part.headers["Content-Range"] == f"bytes 44-99/{len(phone_wav)}"
    part.close()
    whole = staff.get(f"/admin/media/{attachment_id}")
    assert whole.get_data() == phone_wav
    whole.close()

    with runtime.db.session() as session:
        _found, erasure = privacy.erase_contribution(
            session, contribution.reference, secret=runtime.settings.secret_key, reason="verzoek"
        )
        session.commit()
    privacy.remove_media(runtime.media, erasure.media_keys)
    assert s3.objects() == {}
    runtime.db.dispose()
