"""A full disk while a picture is stored: retried, then kept waiting for a person, never lost.

The media folder is a real 64 KiB tmpfs, so the store meets ENOSPC the way a full disk
answers (mounting needs root, as on the CI machine)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from channels.sms.adapter import MEDIA_JOB
from intake.app import create_app
from intake.evidence import MissingMedia
from intake.jobs.worker import Worker
from intake.models import Attachment, Contribution, Job, JobStatus, utcnow
from intake.runtime import Runtime
from tests.admin.conftest import add_user, sign_in
from tests.channels.sms.conftest import PUBLIC_URL, start_runtime, text
from tests.channels.sms.helpers import reference_in, reply_of
from tests.support.disk import tiny_disk
from tests.support.twilio import FakeTwilio

PICTURE = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 800 + b"\xff\xd9"  # 200 KiB


@pytest.fixture
def full_runtime(tmp_path: Path, twilio: FakeTwilio) -> Iterator[Runtime]:
    """An SMS runtime whose media folder is a tiny tmpfs of its own."""
    with tiny_disk(tmp_path / "data" / "media"):
        rt = start_runtime(tmp_path / "data", **twilio.env(INSPRAAK_PUBLIC_URL=PUBLIC_URL))
        yield rt
        rt.db.dispose()


def _retry_now(runtime: Runtime) -> None:
    with runtime.db.session() as session:
        session.execute(update(Job).values(run_after=utcnow() - timedelta(seconds=1)))
        session.commit()
    Worker(runtime).run(until_idle=True)


def _download(runtime: Runtime) -> Job:
    with runtime.db.session(write=False) as session:
        return session.scalars(select(Job).where(Job.kind == MEDIA_JOB)).one()


def test_a_picture_that_finds_the_disk_full_waits_for_a_person(
    full_runtime: Runtime, twilio: FakeTwilio
) -> None:
    app = create_app(runtime_=full_runtime)
    app.config["TESTING"] = True
    resident = app.test_client()
    photo = twilio.add_media(PICTURE, "image/jpeg")
    reference = reference_in(
        reply_of(text(resident, "DEMO Kijk, deze hoek", media=[(photo, "image/jpeg")]))
    )
    Worker(full_runtime).run(until_idle=True)
    job = _download(full_runtime)
    assert job.status == JobStatus.QUEUED and "disk full" in (job.last_error or "")
    staff: FlaskClient = app.test_client()
    add_user(full_runtime, "beheer@gemeente.be", "admin")
    assert sign_in(staff, "beheer@gemeente.be").status_code == 302
    assert "disk full" in staff.get("/admin/dashboard").get_data(as_text=True)
    for _attempt in range(job.max_attempts):
        _retry_now(full_runtime)
    assert _download(full_runtime).status == JobStatus.DONE
    with full_runtime.db.session(write=False) as session:
        contribution = session.scalars(select(Contribution)).one()
        [attachment] = session.scalars(select(Attachment)).all()
    assert contribution.reference == reference and contribution.text == "Kijk, deze hoek"
    assert (contribution.needs_person, contribution.needs_person_reason) == (True, "disk_full")
    missing = MissingMedia.of(attachment.details)
    assert attachment.sha256 is None and missing is not None and missing.reason == "disk_full"
    assert twilio.deleted_media == []  # Twilio's copy stays: ours was never made
    assert list(full_runtime.settings.media_dir.iterdir()) == []  # no half-written file
    page = staff.get("/admin/dashboard").get_data(as_text=True)
    assert "Schijf vol: ontvangen bestanden konden niet worden bewaard" in page
