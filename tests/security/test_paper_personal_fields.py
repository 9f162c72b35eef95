"""Finding 3: the name a resident writes on a paper form is personal data everywhere.

A real printed form is filled in with a name, scanned and imported with the CLI. The name
as read, and the image of its boxes, are absent from the export without personal data,
hidden from a viewer (page and media route), shown to a moderator only through the audited
view, gone after the retention purge and gone after erasure.
"""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from intake.models import Attachment, AuditEvent, Consultation, Contribution, utcnow
from ocr.reader.fields import PageGrid
from tests.admin.conftest import post
from tests.security.paper import Desk, lab, open_desk

GRIET = lab.Filling(
    answer="Meer bomen en bankjes langs het water.",
    name="Vandamme Griet",
    postcode="9060",
    ticks={"consent"},
)
TOM = lab.Filling(answer="Een hondenweide graag.", name="Peeters Tom", postcode="9000")
ANNA = lab.Filling(answer="Een speeltuin aan de kade.", name="Maes Anna", postcode="9050")


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Desk:
    return open_desk(tmp_path_factory.mktemp("personal-fields"))


@pytest.fixture(scope="module")
def griet(desk: Desk, tmp_path_factory: pytest.TempPathFactory) -> Contribution:
    scanned = desk.scan([GRIET], tmp_path_factory.mktemp("scans") / "griet.pdf")
    (contribution,) = desk.imported(scanned)
    return contribution


def _name_of(contribution: Contribution, written: str = GRIET.name) -> str:
    name = contribution.answers["fields"]["name"]
    assert name["personal"] is True
    assert lab.accuracy(written, name["text"]) >= 0.8, name["text"]
    return str(name["text"])


def _status(client: FlaskClient, url: str) -> int:
    with client.get(url) as response:
        response.get_data()
        return response.status_code


def _mentions(text: str, name: str) -> bool:
    # Any of the name's words, however the export spells the case.
    return any(word.lower() in text.lower() for word in name.split() if len(word) > 3)


def test_the_printed_form_flags_the_name_field_and_the_reader_carries_it(
    desk: Desk, griet: Contribution
) -> None:
    assert [f.name for f in desk.layout.fields if f.personal] == ["name"]
    crop = desk.crop(griet, "name")
    assert crop.details["personal"] is True
    assert "personal" not in desk.crop(griet, "postcode").details
    assert "personal" not in griet.answers["fields"]["answer"]


def test_the_export_without_personal_data_has_no_trace_of_the_name(
    desk: Desk, griet: Contribution
) -> None:
    name = _name_of(griet)
    crop = desk.crop(griet, "name")
    for fmt in ("json", "csv"):
        plain = desk.cli("export", "demo", "--format", fmt).stdout
        assert not _mentions(plain, name), plain
        assert crop.sha256 not in plain
        assert "postcode" in plain and "answer" in plain
    records = json.loads(desk.cli("export", "demo", "--format", "json").stdout)
    assert set(records[0]["answers"]["fields"]) == {"answer", "postcode", "consent"}
    personal = desk.cli("export", "demo", "--format", "json", "--with-personal-data").stdout
    assert _mentions(personal, name) and crop.sha256 in personal


def test_a_viewer_sees_neither_the_name_nor_its_image(desk: Desk, griet: Contribution) -> None:
    name = _name_of(griet)
    crop = desk.crop(griet, "name")
    postcode = desk.crop(griet, "postcode")
    viewer = desk.client("viewer")
    page = viewer.get(f"/admin/c/{griet.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert not _mentions(html, name)
    assert f"/admin/media/{crop.id}" not in html
    assert f"/admin/media/{postcode.id}" in html
    assert viewer.get(f"/admin/media/{crop.id}").status_code == 403
    assert _status(viewer, f"/admin/media/{postcode.id}") == 200
    assert viewer.post(f"/admin/c/{griet.id}/personal").status_code in (400, 403)


def _kinds(contribution: Contribution, kind: str) -> list[Attachment]:
    return [a for a in contribution.attachments if a.kind == kind]


def _spread(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    """Return how much the grey levels vary inside `box`: ink varies, a cover does not."""
    return float(np.asarray(image.convert("L").crop(box), dtype=float).std())


def test_a_viewer_sees_the_page_with_the_name_covered(desk: Desk, griet: Contribution) -> None:
    (page,) = _kinds(griet, "scan")
    (named,) = _kinds(griet, "named_page")
    (original,) = _kinds(griet, "original")
    (archive,) = _kinds(griet, "archive")
    assert page.details.get("covered") is True and "personal" not in page.details
    for kept in (named, original, archive):
        assert kept.details["personal"] is True
    viewer = desk.client("viewer")
    html = viewer.get(f"/admin/c/{griet.id}").get_data(as_text=True)
    assert f"/admin/media/{page.id}" in html
    for hidden in (named, original, archive):
        assert f"/admin/media/{hidden.id}" not in html
        assert viewer.get(f"/admin/media/{hidden.id}").status_code == 403
    with viewer.get(f"/admin/media/{page.id}") as shown:
        assert shown.status_code == 200
        covered = Image.open(io.BytesIO(shown.get_data()))
    written = Image.open(io.BytesIO(desk.stored_files()[str(named.sha256)]))
    assert covered.size == written.size
    grid = PageGrid(desk.layout, float(covered.info["dpi"][0]))
    fields = {spec.name: grid.box(spec.area) for spec in desk.layout.fields_on(1)}
    # The name's boxes hold ink on the page as scanned and one flat colour on the page shown.
    assert _spread(written, fields["name"]) > 20
    assert _spread(covered, fields["name"]) < 2
    # The rest of the page is the same page: the answer reads as before.
    assert _spread(covered, fields["answer"]) > 8
    assert abs(_spread(covered, fields["answer"]) - _spread(written, fields["answer"])) < 3


def test_a_moderator_sees_them_only_through_the_audited_view(
    desk: Desk, griet: Contribution
) -> None:
    name = _name_of(griet)
    crop = desk.crop(griet, "name")
    moderator = desk.client("moderator")
    assert not _mentions(moderator.get(f"/admin/c/{griet.id}").get_data(as_text=True), name)
    assert moderator.get(f"/admin/media/{crop.id}").status_code == 403
    shown = post(moderator, f"/admin/c/{griet.id}/personal", {}, f"/admin/c/{griet.id}")
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and _mentions(html, name)
    link = re.search(rf'src="(/admin/media/{crop.id}\?grant=[^"]+)"', html)
    assert link, "the audited view shows the name's image"
    (named,) = _kinds(griet, "named_page")
    (original,) = _kinds(griet, "original")
    assert re.search(rf'src="/admin/media/{named.id}\?grant=', html), "the page as scanned"
    assert re.search(rf'href="/admin/media/{original.id}\?grant=', html), "the scanned file"
    with moderator.get(link.group(1).replace("&amp;", "&")) as image:
        assert image.status_code == 200 and image.get_data().startswith(b"\x89PNG")
    # The link is the moderator's own: someone else cannot use it.
    viewer = desk.client("viewer")
    assert viewer.get(link.group(1).replace("&amp;", "&")).status_code == 403
    assert moderator.get(f"/admin/media/{crop.id}?grant=forged").status_code == 403
    with desk.runtime.db.session(write=False) as session:
        seen = session.scalars(select(AuditEvent).where(AuditEvent.action == "personal.view")).all()
        assert [(e.target_type, e.target_id) for e in seen] == [("contribution", griet.id)]
        assert not _mentions(json.dumps([e.details for e in seen]), name)


def test_retention_clears_the_name_and_deletes_its_image(
    desk: Desk, griet: Contribution, tmp_path: Path
) -> None:
    crop = desk.crop(griet, "name")
    tom = desk.imported(desk.scan([TOM], tmp_path / "tom.pdf"))[0]
    with desk.runtime.db.session() as session:
        demo = session.scalars(select(Consultation).where(Consultation.slug == "demo")).one()
        demo.closes_at = utcnow() - timedelta(days=3)
        session.commit()
    out = desk.cli("purge", "--contact-days", "1").stdout
    assert "cleared names on 2 forms" in out
    with desk.runtime.db.session(write=False) as session:
        for contribution in (griet, tom):
            kept = session.get(Contribution, contribution.id)
            assert kept is not None and kept.author_name is None
            assert set(kept.answers["fields"]) == {"answer", "postcode", "consent"}
            fields = {a.details.get("field") for a in kept.attachments if a.kind == "crop"}
            assert fields == {"answer", "postcode", "consent"}
            # What shows the name goes; the page with the name covered stays for review.
            assert sorted(a.kind for a in kept.attachments if a.kind != "crop") == ["scan"]
        assert session.get(Attachment, crop.id) is None
    assert crop.sha256 not in desk.stored_files()


def test_erasure_takes_the_name_and_its_image_along(desk: Desk, tmp_path: Path) -> None:
    with desk.runtime.db.session() as session:
        demo = session.scalars(select(Consultation).where(Consultation.slug == "demo")).one()
        demo.closes_at = None
        session.commit()
    fresh = desk.imported(desk.scan([ANNA], tmp_path / "anna.pdf"))[0]
    name = _name_of(fresh, ANNA.name)
    files = {a.sha256 for a in fresh.attachments}
    assert desk.crop(fresh, "name").sha256 in desk.stored_files()
    desk.cli("erase", fresh.reference, "--reason", "Verzoek van de inwoner per brief")
    with desk.runtime.db.session(write=False) as session:
        assert session.get(Contribution, fresh.id) is None
    with desk.runtime.db.session(write=False) as session:
        others = set(session.scalars(select(Attachment.sha256)))
    # A file stays only while another contribution holds the very same bytes.
    assert files & set(desk.stored_files()) <= others
    assert desk.crop(fresh, "name").sha256 not in desk.stored_files()
    assert not _mentions(desk.cli("export", "demo", "--with-personal-data").stdout, name)
