"""Scans handed in through the staff area: kept, read by the worker, followed on the page."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from intake.app import create_app
from intake.jobs.worker import Worker
from intake.models import AuditEvent, Contribution, Job
from tests.admin.conftest import add_user, sign_in, token
from tests.channels.paper.conftest import Desk


def _staff(desk: Desk, email: str, role: str) -> FlaskClient:
    app = create_app(runtime_=desk.runtime)
    app.config["TESTING"] = True
    add_user(desk.runtime, email, role)
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


def _upload(client: FlaskClient, *files: tuple[bytes, str]) -> object:
    csrf = token(client.get("/admin/uploads").get_data(as_text=True))
    return client.post(
        "/admin/uploads",
        data={
            "csrf_token": csrf,
            "kind": "scans",
            "files": [(io.BytesIO(data), name) for data, name in files],
        },
        content_type="multipart/form-data",
    )


def _jpeg(png: Path) -> bytes:
    # The scanner's JPEG: small enough for the test client to keep in memory.
    buffer = io.BytesIO()
    Image.open(png).convert("L").save(buffer, "JPEG", quality=50, dpi=(200, 200))
    assert buffer.tell() < 500_000
    return buffer.getvalue()


def _locked_pdf(folder: Path) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(folder / "locked.pdf", encryption=pikepdf.Encryption(user="geheim", owner="x"))
    return (folder / "locked.pdf").read_bytes()


def test_a_moderator_uploads_scans_and_sees_each_read_or_refused(
    desk: Desk, scans: dict[str, Path], tmp_path: Path
) -> None:
    client = _staff(desk, "bib@gemeente.be", "moderator")
    sent = _upload(
        client, (_jpeg(scans["short"]), "Scans/bib-formulier.jpg"), (_locked_pdf(tmp_path), "x.pdf")
    )
    assert sent.status_code == 303  # type: ignore[attr-defined]
    waiting = client.get(sent.headers["Location"]).get_data(as_text=True)  # type: ignore[attr-defined]
    assert "2 bestanden ontvangen" in waiting and waiting.count("Wordt gelezen") == 2
    assert "Scans/" not in waiting and "bib-formulier.jpg" in waiting

    Worker(desk.runtime).run(until_idle=True)

    page = client.get("/admin/uploads").get_data(as_text=True)
    assert "Gelezen: 1 bijdrage" in page
    assert "Geweigerd: De pdf is beveiligd met een wachtwoord" in page
    with desk.runtime.db.session(write=False) as session:
        job = session.scalars(select(Job).where(Job.payload["name"].as_string() == "x.pdf")).one()
        assert job.payload["uploaded_by"]
        stored = session.scalars(
            select(Contribution).where(Contribution.text.like("%hondenweide%"))
        ).all()
        assert stored
        actions = session.scalars(select(AuditEvent.action)).all()
        assert actions.count("upload.add") >= 2

    # Another moderator sees only their own files.
    other = _staff(desk, "balie@gemeente.be", "moderator").get("/admin/uploads")
    assert "bib-formulier.jpg" not in other.get_data(as_text=True)


@pytest.mark.parametrize(
    ("files", "complaint"),
    [
        ([], "Kies een of meer bestanden."),
        ([(b"hallo", "notities.txt")], "notities.txt"),
    ],
)
def test_no_file_or_a_file_that_is_no_scan_is_refused_at_the_field(
    desk: Desk, files: list[tuple[bytes, str]], complaint: str
) -> None:
    client = _staff(desk, f"fout{len(files)}@gemeente.be", "moderator")
    refused = _upload(client, *files)
    html = refused.get_data(as_text=True)  # type: ignore[attr-defined]
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert complaint in html and 'aria-invalid="true"' in html


def test_a_viewer_may_not_upload(desk: Desk) -> None:
    client = _staff(desk, "kijker@gemeente.be", "viewer")
    assert client.get("/admin/uploads").status_code == 403
