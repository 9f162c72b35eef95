"""A municipality's desk for paper tests: forms printed with the CLI, filled in, scanned, read."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.app import create_app
from intake.consultations import seed_demo
from intake.migrations import upgrade
from intake.models import Attachment, Contribution, PrintedForm
from intake.runtime import Runtime
from intake.storage import LocalMediaStore
from ocr.forms import FormLayout
from tests.admin.conftest import add_user, sign_in
from tests.cli import inspraak
from tests.conftest import make_settings

# The form-filling and scanning helpers of the reader's own tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ocr"))

import formlab as lab  # noqa: E402
import paperscan as paper  # noqa: E402

__all__ = ["Desk", "lab", "open_desk", "paper", "pdf_images"]


@dataclass
class Desk:
    """One data dir (SQLite or PostgreSQL) with the demo consultation's printed Dutch form."""

    data_dir: Path
    database_url: str | None
    runtime: Runtime
    app: Flask
    pdf: bytes
    layout: FormLayout
    accounts: int = 0

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run `inspraak ARGS…` on this desk's data dir and database."""
        env = {"INSPRAAK_DATABASE_URL": self.database_url} if self.database_url else {}
        return inspraak(self.data_dir, *args, check=check, **env)

    def scan(self, fillings: list[lab.Filling], path: Path) -> Path:
        """Fill in one printed form per filling and scan them all into one PDF."""
        sheets = []
        # A new sheet of paper each time: no two scans share their noise.
        start = 31 + 10 * len(list(path.parent.glob("*.pdf")))
        for seed, filling in enumerate(fillings, start=start + sum(map(ord, path.name))):
            page = lab.fill(self.pdf, self.layout, filling, seed=seed)[0]
            sheets.append(paper.scan(page, dpi=200, angle=0.7, seed=seed))
        return paper.save_pdf(sheets, path, 200)

    def imported(self, path: Path) -> list[Contribution]:
        """Import a scanned file with the CLI; return its contributions, in file order."""
        self.cli("scans", "import", str(path))
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        with self.runtime.db.session(write=False) as session:
            found = session.scalars(
                select(Contribution)
                .where(Contribution.channel_message_id.like(f"{sha}:%"))
                .order_by(Contribution.channel_message_id)
            ).all()
            for contribution in found:
                _ = contribution.attachments
            session.expunge_all()
            return list(found)

    def client(self, role: str) -> FlaskClient:
        """Return a client signed in with a fresh account of `role`."""
        self.accounts += 1
        email = f"{role}-{self.accounts}@gemeente.be"
        add_user(self.runtime, email, role)
        client = self.app.test_client()
        assert sign_in(client, email).status_code == 302
        return client

    def stored_files(self) -> dict[str, bytes]:
        """Return every file in the media store by key."""
        store = self.runtime.media
        assert isinstance(store, LocalMediaStore)
        return {
            path.name: path.read_bytes()
            for path in store.root.rglob("*")
            if path.is_file() and not path.name.startswith(".")
        }

    def crop(self, contribution: Contribution, field: str) -> Attachment:
        """Return the crop attachment of a field."""
        return next(a for a in contribution.attachments if a.details.get("field") == field)


def open_desk(folder: Path, database_url: str | None = None) -> Desk:
    """Migrate a data dir, seed the demo consultation and print its Dutch form."""
    data_dir = folder / "data"
    runtime = Runtime.start(make_settings(data_dir, database_url))
    upgrade(runtime.db.engine)
    with runtime.db.session() as session:
        seed_demo(session)
        session.commit()
    app = create_app(runtime_=runtime)
    app.config["TESTING"] = True
    desk = Desk(data_dir, database_url, runtime, app, b"", None)  # type: ignore[arg-type]
    out = folder / "form.pdf"
    desk.cli("forms", "print", "demo", "--lang", "nl", "-o", str(out))
    with runtime.db.session(write=False) as session:
        stored = session.scalar(select(PrintedForm.layout).where(PrintedForm.slug == "demo"))
    assert stored is not None
    desk.pdf, desk.layout = out.read_bytes(), FormLayout.from_json(stored)
    return desk


def pdf_images(data: bytes) -> list[bytes]:
    """Return the raw bytes of every image a PDF's pages show."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for _name, image in page.get_images().items():
                found.append(bytes(image.read_raw_bytes()))
    return found
