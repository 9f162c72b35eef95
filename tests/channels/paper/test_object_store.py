"""Scans imported into an installation whose originals live in an S3-compatible bucket."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from intake.consultations import seed_demo
from intake.migrations import upgrade
from intake.models import Attachment, Contribution, PrintedForm
from intake.runtime import Runtime
from ocr.forms import FormLayout
from tests.channels.paper.conftest import SHORT, lab, paper
from tests.cli import inspraak
from tests.conftest import make_settings
from tests.support.s3 import object_server


def test_a_scanned_form_is_read_and_every_image_kept_in_the_bucket(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with object_server() as s3:
        env = s3.env("papier")
        runtime = Runtime.start(make_settings(data_dir, **env))
        upgrade(runtime.db.engine)
        with runtime.db.session() as session:
            seed_demo(session)
            session.commit()
        printed = tmp_path / "form.pdf"
        inspraak(data_dir, "forms", "print", "demo", "--lang", "nl", "-o", str(printed), **env)
        with runtime.db.session(write=False) as session:
            layout = FormLayout.from_json(session.scalars(select(PrintedForm.layout)).one())
        filled = lab.fill(printed.read_bytes(), layout, SHORT, seed=31)[0]
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        paper.scan(filled, dpi=200, angle=0.7, seed=31).save(inbox / "scan.png", dpi=(200, 200))
        shutil.copy(inbox / "scan.png", tmp_path / "kept.png")

        inspraak(data_dir, "scans", "import", str(inbox), **env)

        with runtime.db.session(write=False) as session:
            contribution = session.scalars(select(Contribution)).one()
            keys = {a.sha256 for a in session.scalars(select(Attachment)) if a.sha256}
        assert "hondenweide" in contribution.text.lower()
        stored = {name.rpartition("/")[2] for name in s3.objects("papier")}
        # The original, the archive copy and the field crops: all in the bucket, none on disk.
        assert keys and keys == stored
        assert not any(p.is_file() for p in (data_dir / "media").rglob("*"))
        assert not any(p.is_file() for p in (data_dir / "tmp").rglob("*"))
        runtime.db.dispose()
