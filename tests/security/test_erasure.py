"""Finding 4: any one contribution can be erased, with everything derived from it.

On SQLite and PostgreSQL: a web contribution without contact erased by an admin from its
page, a voicemail with its transcript and a paper form from a scan of several residents'
forms erased with `inspraak erase`. Nothing of them is left in any table, cache or file of
the media store; the other residents' forms stay whole; the audit keeps the reference and
the reason only; reading the scan again does not bring the erased form back; a job still
reading a photo when its contribution is erased leaves nothing behind.
"""

from __future__ import annotations

import io
import threading
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from sqlalchemy import select, text

from intake.inbound import Inbound, InboundMedia
from intake.jobs import enqueue
from intake.jobs.worker import Worker
from intake.models import (
    Attachment,
    AuditEvent,
    Base,
    Consultation,
    Contribution,
    ContributionLink,
    ContributionTag,
    ContributionTheme,
    ErasedMessage,
    Job,
    JobStatus,
    OutboundMessage,
    ReviewNote,
    Tag,
    TextRevision,
    Theme,
)
from intake.receive import receive
from intake.reporting.analysis import similar
from ocr.jobs import AWAITING_SCAN_READING, READ_SCAN_JOB
from tests.admin.conftest import post
from tests.channels.web.helpers import reference_on, submit
from tests.security.paper import Desk, lab, open_desk, paper, pdf_images

TREES = "Meer bomen in het park aan de Schelde, met bankjes in de schaduw"
GRIET = lab.Filling(answer="Meer bomen langs het water.", name="Vandamme Griet", postcode="9060")
TOM = lab.Filling(answer="Een hondenweide graag.", name="Peeters Tom", postcode="9000")
ANNA = lab.Filling(answer="Een speeltuin aan de kade.", name="Maes Anna", postcode="9050")
REASON = "Verzoek van de inwoner aan het loket"


@pytest.fixture
def desk(database_url: str, tmp_path: Path) -> Iterator[Desk]:
    made = open_desk(tmp_path, database_url)
    yield made
    made.runtime.db.dispose()


def _dump(desk: Desk) -> str:
    """Return every row of every table as text."""
    rows = []
    with desk.runtime.db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows += [repr(tuple(r)) for r in conn.execute(text(f"SELECT * FROM {table.name}"))]
    return "\n".join(rows)


def _traces(desk: Desk, contribution_id: int) -> dict[str, int]:
    """Count the rows anywhere that belong to a contribution."""
    owned = {
        Attachment: Attachment.contribution_id,
        Job: Job.contribution_id,
        OutboundMessage: OutboundMessage.contribution_id,
        ReviewNote: ReviewNote.contribution_id,
        ContributionTag: ContributionTag.contribution_id,
        TextRevision: TextRevision.contribution_id,
        ContributionTheme: ContributionTheme.contribution_id,
    }
    with desk.runtime.db.session(write=False) as session:
        found = {
            m.__tablename__: len(session.scalars(select(c).where(c == contribution_id)).all())
            for m, c in owned.items()
        }
        found["contribution"] = int(session.get(Contribution, contribution_id) is not None)
        found["contribution_link"] = len(
            session.scalars(
                select(ContributionLink.low_id).where(
                    (ContributionLink.low_id == contribution_id)
                    | (ContributionLink.high_id == contribution_id)
                )
            ).all()
        )
    return {table: n for table, n in found.items() if n}


def _erasures(desk: Desk) -> list[AuditEvent]:
    with desk.runtime.db.session(write=False) as session:
        return list(
            session.scalars(select(AuditEvent).where(AuditEvent.action == "contribution.erase"))
        )


def _surround(desk: Desk, contribution_id: int, other_id: int) -> None:
    """Give a contribution what review adds around it: tag, note, history, theme, link, reply."""
    with desk.runtime.db.session() as session:
        tag = Tag(name="bomen")
        theme = Theme(consultation_id=session.get(Contribution, contribution_id).consultation_id)
        session.add_all([tag, theme])
        session.flush()
        session.add_all(
            [
                ContributionTag(contribution_id=contribution_id, tag_id=tag.id),
                ReviewNote(contribution_id=contribution_id, body="Zelfde als vorige week"),
                TextRevision(contribution_id=contribution_id, text=TREES, text_origin="typed"),
                ContributionTheme(contribution_id=contribution_id, theme_id=theme.id),
                ContributionTheme(contribution_id=other_id, theme_id=theme.id),
                ContributionLink(
                    low_id=min(contribution_id, other_id), high_id=max(contribution_id, other_id)
                ),
                OutboundMessage(
                    contribution_id=contribution_id, channel="sms", language="nl", body=TREES
                ),
            ]
        )
        enqueue(session, "outbound.send", {"message_id": 0}, contribution_id=contribution_id)
        session.commit()


def test_an_admin_erases_a_web_contribution_without_contact_from_its_page(desk: Desk) -> None:
    # The process's cache may hold spaces of earlier tests' databases, whose ids repeat.
    similar._cache.clear()
    resident = desk.app.test_client()
    page = submit(resident, text=TREES, name="Wouters Lieve", postcode="9000")
    reference = reference_on(page.get_data(as_text=True))
    other = reference_on(
        submit(resident, text="Meer bomen in het park aan de Schelde graag").get_data(as_text=True)
    )
    with desk.runtime.db.session(write=False) as session:
        ids = {
            c.reference: c.id
            for c in session.scalars(select(Contribution).where(Contribution.channel == "web"))
        }
    erased, kept = ids[reference], ids[other]
    _surround(desk, erased, kept)
    with desk.runtime.db.session(write=False) as session:
        assert erased in [hit.contribution_id for hit in similar.similar_to(session, kept)]
    assert _traces(desk, erased)

    moderator, admin = desk.client("moderator"), desk.client("admin")
    page_url = f"/admin/c/{erased}"
    assert (
        post(
            moderator, f"{page_url}/erase", {"reason": REASON, "confirm": "1"}, page_url
        ).status_code
        == 403
    )
    unsure = post(admin, f"{page_url}/erase", {"reason": REASON}, page_url)
    assert unsure.status_code == 422 and _traces(desk, erased)
    no_reason = post(admin, f"{page_url}/erase", {"reason": " ", "confirm": "1"}, page_url)
    assert no_reason.status_code == 422 and _traces(desk, erased)
    done = post(admin, f"{page_url}/erase", {"reason": REASON, "confirm": "1"}, page_url)
    assert done.status_code == 200 and reference in done.get_data(as_text=True)

    assert _traces(desk, erased) == {}
    assert admin.get(page_url).status_code == 404
    with desk.runtime.db.session(write=False) as session:
        assert erased not in [hit.contribution_id for hit in similar.similar_to(session, kept)]
        assert session.get(Contribution, kept) is not None
        assert len(session.scalars(select(ErasedMessage)).all()) == 1
    assert all(erased not in space.ids for space in similar._cache.values())
    dump = _dump(desk)
    assert "Wouters" not in dump and "schaduw" not in dump
    (event,) = _erasures(desk)
    assert (event.target_type, event.target_id) == ("contribution", erased)
    assert event.details == {"reference": reference, "reason": REASON, "via": "admin", "media": 0}


def _wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(bytes(16000))
    return out.getvalue()


def test_the_cli_erases_a_voicemail_with_its_recording_and_transcript(desk: Desk) -> None:
    sha, size = desk.runtime.media.put_bytes(_wav())
    transcript = {
        "model": "vosk-model-small-nl-0.22",
        "language": "nl",
        "words": [["meer", 0.1, 0.4, 0.92], ["bomen", 0.4, 0.8, 0.88]],
    }
    with desk.runtime.db.session() as session:
        demo = session.scalars(select(Consultation.id).where(Consultation.slug == "demo")).one()
        receipt = receive(
            session,
            Inbound(
                channel="voice",
                language="nl",
                text="meer bomen",
                text_origin="transcribed",
                consultation_id=demo,
                channel_message_id="RE0123456789abcdef",
                media=(
                    InboundMedia(
                        "audio",
                        "audio/x-wav",
                        sha,
                        size,
                        1.0,
                        details={"recording_sid": "RE0123", "transcript": transcript},
                    ),
                ),
            ),
        )
        enqueue(
            session, "transcription.transcribe", {"attachment_id": 0}, contribution_id=receipt.id
        )
        session.commit()
    assert sha in desk.stored_files()
    missing = desk.cli("erase", "KKK-KKK", "--reason", REASON, check=False)
    assert missing.returncode == 1 and "no contribution" in missing.stderr
    unexplained = desk.cli("erase", receipt.reference, check=False)
    assert unexplained.returncode == 2 and _traces(desk, receipt.id)
    out = desk.cli("erase", receipt.reference.lower().replace("-", " "), "--reason", REASON)
    assert receipt.reference in out.stdout
    assert _traces(desk, receipt.id) == {}
    assert sha not in desk.stored_files()
    (event,) = _erasures(desk)
    assert event.details == {
        "reference": receipt.reference,
        "reason": REASON,
        "via": "cli",
        "media": 1,
    }


def test_a_form_from_a_scan_of_several_goes_and_the_others_stay_whole(
    desk: Desk, tmp_path: Path
) -> None:
    scanned = desk.scan([GRIET, TOM, ANNA], tmp_path / "stapel.pdf")
    griet, tom, anna = desk.imported(scanned)
    assert [c.answers["fields"]["name"]["personal"] for c in (griet, tom, anna)] == [True] * 3
    files = desk.stored_files()
    # The images of Tom's page, as his own copies of the original and the archive show it.
    own = {a.kind: files[a.sha256] for a in tom.attachments if a.kind in ("original", "archive")}
    images = [image for data in own.values() for image in pdf_images(data)]
    assert len(images) >= 2 and all(len(image) > 1000 for image in images)
    toms_files = {a.sha256 for a in tom.attachments if a.sha256}

    desk.cli("erase", tom.reference, "--reason", REASON)

    assert _traces(desk, tom.id) == {}
    files = desk.stored_files()
    assert not toms_files & set(files)
    for key, data in files.items():
        for image in images:
            assert image not in data, f"{key} still holds a page of the erased form"
    for kept in (griet, anna):
        assert _traces(desk, kept.id)["attachment"] == len(kept.attachments)
        for attachment in kept.attachments:
            data = files[attachment.sha256]
            if attachment.kind in ("original", "archive"):
                with pikepdf.open(io.BytesIO(data)) as pdf:
                    assert len(pdf.pages) == 1
            else:
                assert Image.open(io.BytesIO(data)).size[0] > 0
    dump = _dump(desk)
    assert "PEETERS" not in dump.upper()
    assert "VANDAMME" in dump.upper()  # only the erased resident's name went
    (event,) = _erasures(desk)
    assert event.details["reason"] == REASON and "PEETERS" not in repr(event.details).upper()

    # Reading the same file again neither brings Tom's form back nor doubles the others.
    again = desk.imported(scanned)
    assert [c.reference for c in again] == [griet.reference, anna.reference]
    assert set(desk.stored_files()) == set(files)


def _photo_contribution(desk: Desk) -> tuple[int, int]:
    """Store a photo of a filled-in form as the Telegram channel does, with its reading job."""
    photo = paper.photograph(lab.fill(desk.pdf, desk.layout, GRIET, seed=41)[0], seed=41)
    out = io.BytesIO()
    photo.save(out, format="JPEG", quality=85)
    sha, size = desk.runtime.media.put_bytes(out.getvalue())
    with desk.runtime.db.session() as session:
        receipt = receive(
            session,
            Inbound(
                channel="telegram",
                language="nl",
                channel_message_id="chat:photo",
                text_origin="none",
                media=(InboundMedia("photo", "image/jpeg", sha, size),),
                needs_person_reason=AWAITING_SCAN_READING,
            ),
        )
        attachment = session.scalars(
            select(Attachment.id).where(Attachment.contribution_id == receipt.id)
        ).one()
        enqueue(
            session,
            READ_SCAN_JOB,
            {"contribution_id": receipt.id, "attachment_id": attachment, "language": "nl"},
            contribution_id=receipt.id,
        )
        session.commit()
    return receipt.id, attachment


def test_a_reading_still_running_when_its_contribution_is_erased_leaves_nothing(
    desk: Desk,
) -> None:
    contribution_id, _photo = _photo_contribution(desk)
    before = set(desk.stored_files())
    worker = Worker(desk.runtime, poll_seconds=0.1)
    thread = threading.Thread(target=worker.run, kwargs={"until_idle": True})
    thread.start()
    deadline = time.monotonic() + 60
    with desk.runtime.db.session(write=False) as session:
        while (
            session.scalar(select(Job.status).where(Job.kind == READ_SCAN_JOB)) != JobStatus.RUNNING
        ):
            assert time.monotonic() < deadline, "the reading did not start"
            time.sleep(0.05)
            session.expire_all()
            session.rollback()
    reference = None
    with desk.runtime.db.session(write=False) as session:
        reference = session.get(Contribution, contribution_id).reference
    desk.cli("erase", reference, "--reason", REASON)  # while OCR reads the photo
    thread.join(timeout=300)
    assert not thread.is_alive()
    assert _traces(desk, contribution_id) == {}
    left = set(desk.stored_files())
    assert left <= before and not (left - before)
    assert len(before - left) == 1  # the photo itself went with the erasure
