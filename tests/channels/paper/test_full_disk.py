"""A full media disk while scans come in: a clear error, the scans left where they were.

The media folder is a real 64 KiB tmpfs (mounting needs root, as on the CI machine)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from channels.paper.watcher import Watcher
from intake.migrations import upgrade
from intake.models import Job
from intake.runtime import Runtime
from tests.cli import inspraak
from tests.conftest import make_settings
from tests.support.disk import tiny_disk

SCAN = bytes(range(256)) * 800  # 200 KiB: more than the disk holds


@pytest.fixture
def full_runtime(tmp_path: Path) -> Iterator[Runtime]:
    """A migrated data dir whose media folder is a tiny tmpfs of its own."""
    with tiny_disk(tmp_path / "data" / "media"):
        runtime = Runtime.start(make_settings(tmp_path / "data"))
        upgrade(runtime.db.engine)
        yield runtime
        runtime.db.dispose()


def _jobs(runtime: Runtime) -> int:
    with runtime.db.session(write=False) as session:
        return int(session.scalar(select(func.count()).select_from(Job)) or 0)


def test_an_import_that_fills_the_disk_says_so_and_keeps_the_rest(
    full_runtime: Runtime, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a-small.png").write_bytes(b"\x89PNG small")
    (inbox / "b-large.pdf").write_bytes(SCAN)
    (inbox / "c-small.png").write_bytes(b"\x89PNG other")
    done = inspraak(
        full_runtime.settings.data_dir, "scans", "import", "--queue-only", str(inbox), check=False
    )
    assert done.returncode == 1
    assert "1 files queued for reading" in done.stderr
    assert "disk full: 2 files not imported, from" in done.stderr and "b-large.pdf" in done.stderr
    assert "Traceback" not in done.stderr
    assert _jobs(full_runtime) == 1
    assert sorted(p.name for p in inbox.iterdir()) == ["a-small.png", "b-large.pdf", "c-small.png"]
    assert [p.name for p in full_runtime.settings.media_dir.rglob(".incoming-*")] == []


def test_the_watched_folder_keeps_a_scan_the_disk_cannot_take(
    full_runtime: Runtime, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "copier"
    folder.mkdir()
    (folder / "scan.pdf").write_bytes(SCAN)
    watcher = Watcher(full_runtime, folder, settle_polls=1)
    with caplog.at_level(logging.ERROR, logger="inspraak"):
        for _poll in range(3):
            watcher.poll()
    assert (folder / "scan.pdf").read_bytes() == SCAN
    assert "disk full" in caplog.text and _jobs(full_runtime) == 0
