"""MMS and WhatsApp pictures: fetched by a job with the account's credentials, or noted."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select, update

from intake.jobs.worker import Worker
from intake.models import Attachment, Contribution, Job, JobStatus, utcnow
from intake.runtime import Runtime
from tests.channels.sms.conftest import text
from tests.channels.sms.helpers import reference_in, reply_of
from tests.support.twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40 + b"\xff\xd9"


def _stored(runtime: Runtime) -> tuple[Contribution, list[Attachment], list[Job]]:
    with runtime.db.session() as session:
        contribution = session.scalars(select(Contribution)).one()
        attachments = list(session.scalars(select(Attachment).order_by(Attachment.id)))
        jobs = list(session.scalars(select(Job).order_by(Job.id)))
        return contribution, attachments, jobs


def test_pictures_are_downloaded_with_the_accounts_credentials(
    sms_client: FlaskClient, sms_runtime: Runtime, twilio: FakeTwilio
) -> None:
    photo = twilio.add_media(JPEG, "image/jpeg")
    second = twilio.add_media(b"\x89PNG\r\n\x1a\n" + b"0" * 100, "image/png")
    media = [(photo, "image/jpeg"), (second, "image/png")]
    reference = reference_in(reply_of(text(sms_client, "DEMO Kijk, deze hoek", media=media)))
    assert Worker(sms_runtime).run(until_idle=True) == 4  # two downloads, Twilio's copies deleted
    assert Worker(sms_runtime).run(until_idle=True) == 0
    contribution, attachments, jobs = _stored(sms_runtime)
    assert contribution.reference == reference and not contribution.needs_person
    assert [a.kind for a in attachments] == ["photo", "photo"]
    assert [a.media_type for a in attachments] == ["image/jpeg", "image/png"]
    assert attachments[0].sha256 == hashlib.sha256(JPEG).hexdigest()
    assert attachments[0].size == len(JPEG)
    with sms_runtime.media.open(attachments[0].sha256 or "") as stored:
        assert stored.read() == JPEG
    assert {job.status for job in jobs} == {JobStatus.DONE}
    downloads = [r for r in twilio.requests if r.method == "GET"]
    assert len(downloads) == 2
    assert all(r.basic_auth == (ACCOUNT_SID, AUTH_TOKEN) for r in downloads)


def test_a_picture_without_text_is_a_contribution(
    sms_client: FlaskClient, sms_runtime: Runtime, twilio: FakeTwilio
) -> None:
    photo = twilio.add_media(JPEG)
    reference_in(reply_of(text(sms_client, "", media=[(photo, "image/jpeg")])))
    Worker(sms_runtime).run(until_idle=True)
    contribution, [attachment], _jobs = _stored(sms_runtime)
    assert contribution.text == "" and contribution.text_origin == "none"
    assert attachment.sha256 == hashlib.sha256(JPEG).hexdigest()


def test_media_on_a_host_not_allowed_is_noted_for_a_person(
    sms_client: FlaskClient, sms_runtime: Runtime, twilio: FakeTwilio
) -> None:
    evil = "http://169.254.169.254/latest/meta-data/iam"
    reference_in(reply_of(text(sms_client, "DEMO Zie foto", media=[(evil, "image/jpeg")])))
    Worker(sms_runtime).run(until_idle=True)
    contribution, [note], [job] = _stored(sms_runtime)
    assert contribution.needs_person and contribution.needs_person_reason == "media_refused"
    assert contribution.text == "Zie foto"
    assert note.sha256 is None and note.details["missing"] == "media_refused"
    assert "not allowed" in note.details["detail"]
    assert job.status == JobStatus.DONE
    assert twilio.requests == []


def test_media_that_cannot_be_fetched_is_retried_then_noted(
    sms_client: FlaskClient, sms_runtime: Runtime, twilio: FakeTwilio
) -> None:
    missing = f"{twilio.base_url}{twilio.account_path}/Messages/MM1/Media/ME1"
    reference_in(reply_of(text(sms_client, "DEMO Zie foto", media=[(missing, "image/jpeg")])))
    Worker(sms_runtime).run(until_idle=True)
    contribution, attachments, [job] = _stored(sms_runtime)
    assert job.status == JobStatus.QUEUED and job.attempts == 1 and "404" in (job.last_error or "")
    assert attachments == [] and not contribution.needs_person
    with sms_runtime.db.session() as session:
        session.execute(
            update(Job).values(attempts=Job.max_attempts - 1, run_after=utcnow() - timedelta(1))
        )
        session.commit()
    Worker(sms_runtime).run(until_idle=True)
    contribution, [note], [job] = _stored(sms_runtime)
    assert job.status == JobStatus.DONE
    assert contribution.needs_person_reason == "media_unavailable"
    assert note.details["missing"] == "media_unavailable"
