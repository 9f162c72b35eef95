"""Voice notes, photos and documents: stored as originals and queued for the engines."""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import replace

import pytest
from sqlalchemy import update

from channels.telegram.adapter import (
    AWAITING_TRANSCRIPTION,
    FETCH_MEDIA_JOB,
    READ_SCAN_JOB,
    TRANSCRIBE_JOB,
)
from intake.models import Job, JobStatus
from tests.channels.telegram.conftest import Bot
from tests.support.telegram import document, message, photo, voice

RESIDENT = 5_550_002
TWENTY_ONE_MB = 21 * 1024 * 1024


@pytest.fixture(scope="module")
def voice_note(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A spoken Dutch sentence as Telegram records voice notes: OGG with Opus."""
    folder = tmp_path_factory.mktemp("voice")
    wav, ogg = folder / "spoken.wav", folder / "spoken.ogg"
    subprocess.run(
        ["espeak-ng", "-v", "nl", "-w", str(wav), "Meer bomen in het park alstublieft"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-i",
            str(wav),
            "-c:a",
            "libopus",
            "-b:a",
            "24k",
            str(ogg),
        ],
        check=True,
        capture_output=True,
    )
    return ogg.read_bytes()


def test_a_voice_note_is_kept_and_queued_for_transcription(bot: Bot, voice_note: bytes) -> None:
    assert voice_note[:4] == b"OggS" and b"OpusHead" in voice_note[:100]
    bot.api.add_file("AwACAgQAAxkBAAIBvoice", voice_note, "voice/file_7.oga")
    bot.post(
        message(RESIDENT, language_code="fr", **voice("AwACAgQAAxkBAAIBvoice", len(voice_note)))
    )
    [waiting] = bot.contributions()
    assert waiting.needs_person and waiting.needs_person_reason == AWAITING_TRANSCRIPTION
    assert waiting.text == "" and waiting.text_origin == "none"
    [attachment] = waiting.attachments
    assert (attachment.kind, attachment.media_type, attachment.sha256) == (
        "audio",
        "audio/ogg",
        None,
    )
    assert attachment.duration_seconds == 3

    bot.work()
    assert bot.api.calls("getFile") == [{"file_id": "AwACAgQAAxkBAAIBvoice"}]
    [stored] = bot.contributions()
    [attachment] = stored.attachments
    assert attachment.sha256 == hashlib.sha256(voice_note).hexdigest()
    assert attachment.size == len(voice_note)
    assert bot.runtime.media.path(attachment.sha256).read_bytes() == voice_note
    [transcribe] = bot.jobs(TRANSCRIBE_JOB)
    assert transcribe.payload == {
        "contribution_id": stored.id,
        "attachment_id": attachment.id,
        "language": "fr",
    }
    assert stored.needs_person  # until an engine has read it, a person will
    assert "Merci" in bot.api.sent()[-1].text


def test_a_photo_is_kept_and_read_by_the_scan_reader(bot: Bot) -> None:
    # Not a decodable picture: the scan reader says so and the photo waits for a person.
    jpeg = b"\xff\xd8\xff\xe0" + b"form" * 500
    bot.api.add_file("AgACAgQphoto", jpeg, "photos/file_3.jpg")
    bot.post(message(RESIDENT, caption="Mijn formulier", **photo("AgACAgQphoto", len(jpeg))))
    bot.work()
    [stored] = bot.contributions()
    assert stored.needs_person and stored.needs_person_reason == "corrupt_image"
    assert stored.answers == {"caption": "Mijn formulier"}
    [attachment] = stored.attachments
    assert attachment.kind == "image" and attachment.media_type == "image/jpeg"
    assert attachment.sha256 == hashlib.sha256(jpeg).hexdigest()
    [read] = bot.jobs(READ_SCAN_JOB)
    assert read.payload["attachment_id"] == attachment.id and read.payload["language"] == "nl"
    assert bot.api.calls("getFile") == [{"file_id": "AgACAgQphoto"}]  # the largest size


def test_a_pdf_document_goes_to_the_scan_reader(bot: Bot) -> None:
    pdf = b"%PDF-1.7\n" + b"0" * 2000
    bot.api.add_file("BQACAgQpdf", pdf, "documents/file_4.pdf")
    bot.post(message(RESIDENT, **document("BQACAgQpdf", len(pdf), "application/pdf", "form.pdf")))
    bot.work()
    [stored] = bot.contributions()
    [attachment] = stored.attachments
    assert attachment.kind == "document" and attachment.details["file_name"] == "form.pdf"
    assert attachment.sha256 == hashlib.sha256(pdf).hexdigest()
    assert len(bot.jobs(READ_SCAN_JOB)) == 1


def test_a_document_that_is_no_image_or_pdf_gets_a_clear_reply(bot: Bot) -> None:
    mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    bot.post(message(RESIDENT, **document("BQACAgQdocx", 18_000, mime, "mening.docx")))
    bot.work()
    assert bot.contributions() == [] and bot.api.calls("getFile") == []
    assert bot.api.sent()[-1].text.startswith("Dit soort bestand kunnen we niet lezen.")


def test_a_file_over_20_mb_is_refused_without_download(bot: Bot) -> None:
    bot.post(message(RESIDENT, language_code="en", **voice("AwACAgQbig", TWENTY_ONE_MB, 900)))
    bot.work()
    assert bot.contributions() == [] and bot.api.calls("getFile") == []
    assert "too large" in bot.api.sent()[-1].text and "20 MB" in bot.api.sent()[-1].text


def test_a_file_on_a_host_not_allowed_is_not_downloaded_and_waits(bot: Bot) -> None:
    bot.api.add_file("AgACAgQfar", b"\xff\xd8", "photos/file_9.jpg")
    bot.runtime.settings = replace(bot.runtime.settings, media_hosts=("api.telegram.org",))
    bot.post(message(RESIDENT, **photo("AgACAgQfar", 2)))
    bot.work()
    [stored] = bot.contributions()
    assert stored.needs_person_reason == "media_not_downloaded"
    assert stored.attachments[0].sha256 is None and bot.jobs(READ_SCAN_JOB) == []
    assert [job.status for job in bot.jobs(FETCH_MEDIA_JOB)] == [JobStatus.DONE]


def test_a_sticker_gets_a_clear_reply_and_an_audio_file_is_transcribed(bot: Bot) -> None:
    sticker = {
        "sticker": {
            "file_id": "CAACAgIAAx",
            "file_unique_id": "AgADsticker",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    }
    bot.post(message(RESIDENT, **sticker))
    bot.work()
    assert bot.api.sent()[-1].text.startswith("Dit soort bericht kunnen we niet verwerken.")
    m4a = b"\x00\x00\x00\x20ftypM4A " + b"\x00" * 100
    bot.api.add_file("BQACAgQm4a", m4a, "documents/file_5.m4a")
    bot.post(message(RESIDENT, **document("BQACAgQm4a", len(m4a), "audio/mp4", "memo.m4a")))
    bot.work()
    [stored] = bot.contributions()
    assert stored.attachments[0].kind == "audio" and len(bot.jobs(TRANSCRIBE_JOB)) == 1


def test_a_file_getfile_calls_too_large_is_not_downloaded(bot: Bot) -> None:
    bot.api.add_file("AwACAgQhuge", b"OggS", "voice/file_8.oga", size=TWENTY_ONE_MB)
    update = message(RESIDENT, **voice("AwACAgQhuge", 4))
    del update["message"]["voice"]["file_size"]
    bot.post(update)
    bot.work()
    [stored] = bot.contributions()
    assert stored.needs_person_reason == "media_not_downloaded"
    downloads = [r for r in bot.api.server.requests if r.path.startswith("/file/")]
    assert downloads == [] and bot.jobs(TRANSCRIBE_JOB) == []


def test_a_file_that_stays_unavailable_waits_for_a_person_after_the_last_try(bot: Bot) -> None:
    bot.api.files["AwACAgQgone"] = ("voice/file_6.oga", 4)  # getFile answers, the file 404s
    bot.post(message(RESIDENT, **voice("AwACAgQgone", 4)))
    bot.work()
    [job] = bot.jobs(FETCH_MEDIA_JOB)
    assert job.status == JobStatus.QUEUED and "404" in (job.last_error or "")
    assert bot.contributions()[0].needs_person_reason == AWAITING_TRANSCRIPTION
    with bot.runtime.db.session() as session:
        session.execute(update(Job).values(attempts=Job.max_attempts - 1))
        session.commit()
    bot.make_jobs_due()
    bot.work()
    [stored] = bot.contributions()
    assert stored.needs_person_reason == "media_not_downloaded"
    assert stored.attachments[0].sha256 is None and bot.jobs(TRANSCRIBE_JOB) == []
    assert [job.status for job in bot.jobs(FETCH_MEDIA_JOB)] == [JobStatus.DONE]
