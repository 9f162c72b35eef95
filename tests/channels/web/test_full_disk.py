"""A full disk under the SQLite database while a resident sends the form: the page says so
and keeps the text; sent again once there is room, it is stored once.

The data dir is a real tmpfs, filled up the way a disk fills (mounting needs root, as on CI)."""

from __future__ import annotations

import errno
import html
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

from intake.app import create_app
from intake.consultations import seed_demo
from intake.migrations import upgrade
from intake.models import Contribution
from intake.runtime import Runtime
from tests.channels.web.helpers import hidden_fields, reference_on, submit
from tests.conftest import make_settings
from tests.support.disk import tiny_disk

WORDS = "Graag een bank onder de linde aan het water."


def _fill(folder: Path) -> Path:
    """Write a file until the disk has no room left; return it."""
    filler = folder / "filler"
    with filler.open("wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError as error:
            assert error.errno == errno.ENOSPC
    return filler


@pytest.fixture
def full_runtime(tmp_path: Path) -> Iterator[Runtime]:
    """A migrated SQLite data dir on a tmpfs of its own, the demo consultation in it."""
    with tiny_disk(tmp_path / "data", "8m"):
        runtime = Runtime.start(make_settings(tmp_path / "data"))
        upgrade(runtime.db.engine)
        with runtime.db.session() as session:
            seed_demo(session)
            session.commit()
        yield runtime
        runtime.db.dispose()


def test_a_form_sent_while_the_disk_is_full_keeps_the_text_and_is_stored_once_later(
    full_runtime: Runtime,
) -> None:
    app = create_app(runtime_=full_runtime)
    app.config["TESTING"] = True
    resident = app.test_client()
    with full_runtime.db.engine.connect() as connection:  # every write must grow the WAL
        connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    filler = _fill(full_runtime.settings.data_dir)
    refused = submit(resident, lang="en", text=WORDS)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 503
    assert "could not be stored just now" in page and WORDS in html.unescape(page)
    filler.unlink()
    again = resident.post("/c/demo", data={**hidden_fields(page), "text": WORDS})
    assert again.status_code in (200, 303)
    thanks = resident.get(again.headers["Location"]) if again.status_code == 303 else again
    reference = reference_on(thanks.get_data(as_text=True))
    with full_runtime.db.session(write=False) as session:
        stored = session.execute(select(Contribution.reference, Contribution.text)).all()
    assert [tuple(row) for row in stored] == [(reference, WORDS)]
