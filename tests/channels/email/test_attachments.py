"""Files in a mail: a form's photo to the scan reader, a voice memo to speech, others flagged."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from intake.consultations import find
from intake.evidence import ScanReading, TranscriptionFailure
from intake.models import Job, JobStatus
from intake.runtime import Runtime
from ocr.forms import FormLayout
from ocr.printed import print_form
from tests.channels.email.mails import RESIDENT, mail
from tests.channels.email.test_email_in import contributions, take_in
from tests.support.imap import Mailbox
from tests.support.smtp import MailServer
from tests.transcription.speech import encode

# The form-drawing helpers of the scan reader's tests import each other by module name.
sys.path.insert(0, str(Path(__file__).parents[2] / "ocr"))
import formlab as lab  # noqa: E402
import paperscan as paper  # noqa: E402

FILLING = lab.Filling(
    answer="Un banc et une fontaine près de l'école.",
    name="Claire Dubois",
    postcode="1000",
    ticks={"consent"},
)


def _form_photo(runtime: Runtime) -> bytes:
    with runtime.db.session() as session:
        printed, pdf = print_form(session, find(session, "demo"), "fr")
        layout = FormLayout.from_json(printed.layout)
        session.commit()
    photo = paper.photograph(lab.fill(pdf, layout, FILLING, seed=7)[0], seed=7)
    buffer = io.BytesIO()
    photo.convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _voice_memo(folder: Path) -> bytes:
    wav = folder / "memo.wav"
    subprocess.run(
        ["espeak-ng", "-v", "fr", "-w", str(wav), "Bonjour, je voudrais plus d'arbres."],
        check=True,
        capture_output=True,
    )
    return encode(
        wav, folder / "memo.ogg", ["-ac", "1", "-c:a", "libopus", "-b:a", "16k"]
    ).read_bytes()


def test_a_french_mail_with_a_form_photo_a_voice_memo_and_a_document(
    sqlite_inbox_town: Runtime, mailbox: Mailbox, smtp: MailServer, tmp_path: Path
) -> None:
    runtime = sqlite_inbox_town
    letter = mail(
        "Bonjour, voici mon formulaire et un message vocal.",
        subject="Ma contribution",
        Content_Language="fr",
    )
    letter.add_attachment(_form_photo(runtime), "image", "jpeg", filename="formulaire.jpg")
    letter.add_attachment(_voice_memo(tmp_path), "audio", "ogg", filename="memo.ogg")
    letter.add_attachment(b"PK\x03\x04 not read", "application", "zip", filename="plan.zip")
    mailbox.deliver(letter)
    assert take_in(runtime) == 1
    [contribution] = contributions(runtime)
    assert contribution.language == "fr"
    assert contribution.text == "Bonjour, voici mon formulaire et un message vocal."
    by_kind = {a.kind: a for a in contribution.attachments}
    assert {"email", "photo", "audio", "file", "scan", "crop"} <= set(by_kind)
    # The photo was read as the paper form it shows.
    reading = ScanReading.of(by_kind["photo"].details)
    assert reading is not None and reading.forms == 1
    assert contribution.answers["fields"]["consent"]["checked"] is True
    assert contribution.postcode == "1000"
    # The memo went to speech recognition, which has no French model here: a person listens.
    failure = TranscriptionFailure.of(by_kind["audio"].details)
    assert failure is not None and failure.reason == "no_speech_model"
    # The file nobody can read is kept, and flagged before anything else.
    assert by_kind["file"].details["file_name"] == "plan.zip"
    assert (
        contribution.needs_person and contribution.needs_person_reason == "email_attachment_unread"
    )
    with runtime.db.session(write=False) as session:
        kinds = {job.kind: job.status for job in session.scalars(select(Job))}
    assert kinds["ocr.read_scan"] == kinds["transcription.transcribe"] == JobStatus.DONE
    [answer] = smtp.to(RESIDENT)
    assert "Merci pour votre e-mail" in answer.part("plain")
    assert contribution.reference in answer.part("plain")
