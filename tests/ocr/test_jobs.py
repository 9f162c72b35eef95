"""The `ocr.read_scan` job fills in a contribution from the photo of a form a resident sent."""

from __future__ import annotations

import io
from pathlib import Path

import formlab as lab
import paperscan as paper
import pikepdf
from flask import Flask
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.consultations import find
from intake.evidence import FieldCrop, form_fields
from intake.inbound import Inbound, InboundMedia
from intake.jobs import enqueue
from intake.jobs.worker import Worker
from intake.models import Attachment, Contribution, Job, JobStatus
from intake.receive import receive
from intake.runtime import Runtime
from ocr.forms import FormLayout
from ocr.jobs import AWAITING_SCAN_READING, READ_SCAN_JOB
from ocr.printed import print_form
from tests.admin.conftest import add_user, sign_in
from tests.support.questions import park

FILLING = lab.Filling(
    answer="Een hondenweide en een picknickplaats.\nMeer vuilbakken langs het pad.",
    name="Claes Bo",
    postcode="9000",
    ticks={"consent"},
)


def _sent(session: Session, runtime: Runtime, data: bytes, media_type: str) -> tuple[int, int]:
    """Store a contribution as the Telegram channel does once a file has been downloaded."""
    sha, size = runtime.media.put_bytes(data)
    receipt = receive(
        session,
        Inbound(
            channel="telegram",
            language="nl",
            channel_message_id=f"chat:{sha[:12]}",
            text_origin="none",
            media=(InboundMedia("photo", media_type, sha, size),),
            needs_person_reason=AWAITING_SCAN_READING,
        ),
    )
    attachment = session.scalar(select(Attachment).where(Attachment.contribution_id == receipt.id))
    assert attachment is not None
    enqueue(
        session,
        READ_SCAN_JOB,
        {"contribution_id": receipt.id, "attachment_id": attachment.id, "language": "nl"},
        contribution_id=receipt.id,
    )
    session.commit()
    return receipt.id, attachment.id


def test_a_photographed_form_fills_its_contribution(runtime: Runtime, app: Flask) -> None:
    with runtime.db.session() as session:
        printed, pdf = print_form(session, find(session, "demo"), "nl")
        layout = FormLayout.from_json(printed.layout)
        session.commit()
    photo = paper.photograph(lab.fill(pdf, layout, FILLING, seed=31)[0], seed=31)
    with runtime.db.session() as session:
        contribution_id, photo_id = _sent(session, runtime, _jpeg(photo), "image/jpeg")
    Worker(runtime).run(until_idle=True)
    Worker(runtime).run(until_idle=True)  # a second run finds nothing left to do
    with runtime.db.session(write=False) as session:
        job = session.scalar(select(Job).where(Job.kind == READ_SCAN_JOB))
        assert job is not None and job.status == JobStatus.DONE
        c = session.get(Contribution, contribution_id)
        assert c is not None and c.consultation is not None
        assert c.consultation.slug == "demo"
        assert c.text_origin == "ocr"
        assert lab.accuracy(FILLING.answer, c.text) >= 0.85, c.text
        assert c.answers["fields"]["consent"]["checked"] is True
        assert c.postcode == "9000"
        assert not c.needs_person, c.needs_person_reason
        kinds = sorted(a.kind for a in c.attachments)
        assert kinds.count("photo") == kinds.count("scan") == kinds.count("archive") == 1
        crops = [a for a in c.attachments if a.kind == "crop"]
        assert {a.details["field"] for a in crops} == set(c.answers["fields"])
        assert session.get(Attachment, photo_id).details["scan_read"]["forms"] == 1
        # Each field keeps where it sits on the page and how sure the reading is.
        for crop in (FieldCrop.of(a.details) for a in crops):
            assert crop is not None and crop.box is not None and crop.confidence is not None
        fields = form_fields(c.answers)
        assert fields["consent"].checked is True and fields["postcode"].box is not None
    # Staff read the fields from the same type, beside their images.
    add_user(runtime, "viewer@gemeente.be", "viewer")
    client = app.test_client()
    assert sign_in(client, "viewer@gemeente.be").status_code == 302
    html = client.get(f"/admin/c/{contribution_id}").get_data(as_text=True)
    assert "<dt>consent</dt><dd>aangekruist" in html
    assert '<dt>postcode</dt><dd><span lang="nl">9000</span>' in html


def test_a_photographed_form_gives_the_answers_to_its_closed_questions(runtime: Runtime) -> None:
    with runtime.db.session() as session:
        printed, pdf = print_form(session, park(session), "nl")
        layout = FormLayout.from_json(printed.layout)
        session.commit()
    ticked = lab.Filling(
        answer="Een hondenweide.",
        ticks={lab.option_tick("often", "2"), lab.option_tick("dogs", "1")},
    )
    photo = paper.photograph(lab.fill(pdf, layout, ticked, seed=32)[0], seed=32)
    with runtime.db.session() as session:
        contribution_id, _photo = _sent(session, runtime, _jpeg(photo), "image/jpeg")
    Worker(runtime).run(until_idle=True)
    with runtime.db.session(write=False) as session:
        c = session.get(Contribution, contribution_id)
        assert c is not None and c.consultation is not None and c.consultation.slug == "park"
        given = {a.question.key: (a.option, a.evidence["source"]) for a in c.closed_answers}
        assert given == {"often": ("2", "paper"), "dogs": ("1", "paper")}


def test_an_unreadable_file_waits_for_a_person_with_the_original(
    runtime: Runtime, tmp_path: Path
) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(tmp_path / "locked.pdf", encryption=pikepdf.Encryption(user="a", owner="b"))
    pdf.close()
    with runtime.db.session() as session:
        contribution_id, _ = _sent(
            session, runtime, (tmp_path / "locked.pdf").read_bytes(), "application/pdf"
        )
    assert Worker(runtime).run(until_idle=True) == 1  # handled: the job is done, not dead
    with runtime.db.session(write=False) as session:
        c = session.get(Contribution, contribution_id)
        assert c is not None
        assert (c.needs_person, c.needs_person_reason) == (True, "encrypted_pdf")
        assert [a.kind for a in c.attachments] == ["photo"]
        assert runtime.media.path(c.attachments[0].sha256 or "").exists()


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()
