"""`inspraak scans import`: one contribution per form, evidence kept, bad files refused."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from channels.paper.jobs import IMPORT_JOB
from intake.models import Consultation, Contribution, Job, JobStatus
from intake.storage import MediaNotFoundError
from tests.channels.paper.conftest import HANDWRITTEN, TYPED, Desk, lab

# Lowest character accuracy accepted, by what wrote the text (as in the reader's own tests).
TYPED_ACCURACY = 0.9
HANDWRITTEN_ACCURACY = 0.8
BAD = {
    "empty.pdf": "empty_file",
    "locked.pdf": "encrypted_pdf",
    "broken.pdf": "corrupt_pdf",
    "notes.jpg": "unsupported_format",
    "stack.pdf": "too_many_pages",
    "bomb.png": "image_too_large",
}


def _bad_files(folder: Path) -> None:
    from test_bad_input import blank_pdf, bomb_png

    (folder / "empty.pdf").write_bytes(b"")
    plain = blank_pdf(folder.parent / "plain.pdf", 1)
    with pikepdf.open(plain) as pdf:
        pdf.save(folder / "locked.pdf", encryption=pikepdf.Encryption(user="geheim", owner="x"))
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    (folder / "notes.jpg").write_text("Dit is geen scan maar een tekstbestand.\n")
    blank_pdf(folder / "stack.pdf", 200)
    bomb_png(folder / "bomb.png", 20_000)


@pytest.fixture(scope="session")
def imported(
    desk: Desk, scans: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> subprocess.CompletedProcess[str]:
    """Import a folder holding the scanned batch and every kind of bad file."""
    folder = tmp_path_factory.mktemp("inbox")
    shutil.copy(scans["batch"], folder / "batch.pdf")
    _bad_files(folder)
    return desk.cli("scans", "import", str(folder))


def _batch(session: Session, scans: dict[str, Path]) -> list[Contribution]:
    sha = hashlib.sha256(scans["batch"].read_bytes()).hexdigest()
    return list(
        session.scalars(
            select(Contribution)
            .where(
                Contribution.channel == "paper", Contribution.channel_message_id.like(f"{sha}:%")
            )
            .order_by(Contribution.channel_message_id)
        )
    )


def test_the_summary_counts_forms_and_lists_each_refusal(
    imported: subprocess.CompletedProcess[str],
) -> None:
    out = imported.stdout
    assert "Reading scans" in out
    assert re.search(r"^1 files read: 3 forms, [1-4] pages need a person$", out, re.M), out
    assert f"{len(BAD)} files refused" in out
    for name, reason in BAD.items():
        line = next(line for line in out.splitlines() if f"/{name}: " in line)
        assert f": {reason}: " in line, line


def test_a_pdf_of_several_forms_becomes_one_contribution_per_form(
    desk: Desk, scans: dict[str, Path], imported: subprocess.CompletedProcess[str]
) -> None:
    with desk.runtime.db.session(write=False) as session:
        demo = session.scalar(select(Consultation.id).where(Consultation.slug == "demo"))
        dutch, french, letter = _batch(session, scans)
        assert (dutch.consultation_id, dutch.language) == (demo, "nl")
        assert (french.consultation_id, french.language) == (demo, "fr")
        assert french.answers["form"]["large_print"] is True
        assert [a.details["page"] for a in french.attachments if a.kind == "scan"] == [1, 2]
        assert letter.consultation_id is None
        assert (letter.needs_person, letter.needs_person_reason) == (True, "no_qr")
        assert lab.accuracy("Geachte burgemeester,", letter.text.splitlines()[0]) >= 0.9


def test_text_letters_and_check_boxes_are_read(
    desk: Desk, scans: dict[str, Path], imported: subprocess.CompletedProcess[str]
) -> None:
    with desk.runtime.db.session(write=False) as session:
        dutch, french, _letter = _batch(session, scans)
        assert dutch.text_origin == "ocr"
        assert lab.accuracy(TYPED.answer, dutch.text) >= TYPED_ACCURACY, dutch.text
        assert lab.accuracy(HANDWRITTEN.answer, french.text) >= HANDWRITTEN_ACCURACY, french.text
        assert lab.accuracy(TYPED.name, dutch.author_name or "") >= TYPED_ACCURACY
        assert dutch.postcode == "9060"
        assert dutch.confidence is not None and dutch.confidence > 0.5
        assert dutch.answers["fields"]["consent"]["checked"] is True
        assert french.answers["fields"]["consent"]["checked"] is False
        assert not dutch.needs_person, dutch.needs_person_reason


def test_every_field_keeps_its_crop_beside_the_original_and_archive(
    desk: Desk, scans: dict[str, Path], imported: subprocess.CompletedProcess[str]
) -> None:
    media = desk.runtime.media
    with desk.runtime.db.session(write=False) as session:
        dutch = _batch(session, scans)[0]
        kinds = [a.kind for a in dutch.attachments]
        assert kinds.count("original") == kinds.count("archive") == kinds.count("scan") == 1
        original = next(a for a in dutch.attachments if a.kind == "original")
        # The batch holds three residents' forms: this one keeps only its own page.
        assert (original.media_type, original.pages) == ("application/pdf", 1)
        assert original.details["pages_of_file"] == [1]
        with media.open(original.sha256) as handle, pikepdf.open(io.BytesIO(handle.read())) as pdf:
            assert len(pdf.pages) == 1
        crops = {a.details["field"]: a for a in dutch.attachments if a.kind == "crop"}
        assert set(crops) == set(dutch.answers["fields"]) >= {"answer", "name", "consent"}
        for name, crop in crops.items():
            assert dutch.answers["fields"][name]["crop"] == crop.sha256
            with media.open(crop.sha256) as handle:
                assert Image.open(io.BytesIO(handle.read())).format == "PNG"
        assert crops["postcode"].details["text"] == "9060"
        archive = next(a for a in dutch.attachments if a.kind == "archive")
        with media.open(archive.sha256) as handle:
            assert handle.read(5) == b"%PDF-"
        with media.open(archive.sha256) as handle, pikepdf.open(io.BytesIO(handle.read())) as pdf:
            assert len(pdf.pages) == 1


def test_the_whole_batch_leaves_the_store_once_each_form_owns_its_pages(
    desk: Desk, scans: dict[str, Path], imported: subprocess.CompletedProcess[str]
) -> None:
    whole = hashlib.sha256(scans["batch"].read_bytes()).hexdigest()
    with pytest.raises(MediaNotFoundError):
        desk.runtime.media.size(whole)
    with desk.runtime.db.session(write=False) as session:
        _dutch, french, _letter = _batch(session, scans)
        original = next(a for a in french.attachments if a.kind == "original")
        assert (original.pages, original.details["pages_of_file"]) == (2, [2, 3])


def test_bad_files_make_no_contribution_and_dead_jobs_with_reasons(
    desk: Desk, imported: subprocess.CompletedProcess[str]
) -> None:
    with desk.runtime.db.session(write=False) as session:
        jobs = session.scalars(select(Job).where(Job.kind == IMPORT_JOB)).all()
        dead = {Path(j.payload["name"]).name: j for j in jobs if j.status == JobStatus.DEAD}
        assert set(BAD) <= set(dead)
        for name, reason in BAD.items():
            assert f": {reason}:" in (dead[name].last_error or "")


def test_files_imported_whole_before_are_cut_into_their_forms_pages(
    desk: Desk, scans: dict[str, Path], imported: subprocess.CompletedProcess[str]
) -> None:
    media = desk.runtime.media
    # Make the batch look as an older version stored it: one whole file behind every form.
    whole, _size = media.put_bytes(scans["batch"].read_bytes())
    with desk.runtime.db.session() as session:
        forms = _batch(session, scans)
        joined, parts = pikepdf.new(), []
        for form in forms:
            archive = next(a for a in form.attachments if a.kind == "archive")
            with media.open(archive.sha256 or "") as handle:
                parts.append(pikepdf.open(io.BytesIO(handle.read())))
            joined.pages.extend(parts[-1].pages)
        out = io.BytesIO()
        joined.save(out)
        for part in [joined, *parts]:
            part.close()
        whole_archive, _size = media.put_bytes(out.getvalue())
        for form in forms:
            for attachment in form.attachments:
                if attachment.kind in ("original", "archive"):
                    attachment.sha256 = whole if attachment.kind == "original" else whole_archive
                    attachment.pages = 4
                    attachment.details = {"name": "batch.pdf"}
        session.commit()

    result = desk.cli("scans", "split")
    assert "2 shared files cut" in result.stdout

    for key in (whole, whole_archive):
        with pytest.raises(MediaNotFoundError):
            media.size(key)
    with desk.runtime.db.session(write=False) as session:
        for form, pages in zip(_batch(session, scans), ([1], [2, 3], [4]), strict=True):
            for attachment in form.attachments:
                if attachment.kind not in ("original", "archive"):
                    continue
                assert attachment.details["pages_of_file"] == pages
                with media.open(attachment.sha256 or "") as handle:
                    data = handle.read()
                with pikepdf.open(io.BytesIO(data)) as pdf:
                    assert len(pdf.pages) == len(pages) == attachment.pages
    assert "0 shared files" in desk.cli("scans", "split").stdout
