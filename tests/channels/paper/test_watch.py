"""`inspraak scans watch`: complete files are read once and moved aside; re-imports add nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import func, select

from channels.paper.watcher import DONE_DIR, FAILED_DIR, QUEUED_DIR, REASON_SUFFIX, Watcher
from intake.jobs.worker import Worker
from intake.models import Contribution
from tests.channels.paper.conftest import SHORT, Desk, lab


def _queued(folder: Path) -> list[str]:
    return sorted(p.name.partition("-")[2] for p in (folder / QUEUED_DIR).iterdir())


def _count(desk: Desk, sha: str) -> int:
    with desk.runtime.db.session(write=False) as session:
        return session.scalar(
            select(func.count())
            .select_from(Contribution)
            .where(
                Contribution.channel == "paper", Contribution.channel_message_id.like(f"{sha}:%")
            )
        )


def test_the_watched_folder_reads_complete_files_once(
    desk: Desk, scans: dict[str, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "copier"
    watcher = Watcher(desk.runtime, folder, settle_polls=2)
    data = scans["short"].read_bytes()
    growing = folder / "scan-0001.png"
    growing.write_bytes(data[: len(data) // 2])  # the copier is still writing
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "notes.txt").write_text("geen scan\n")
    watcher.poll()
    with growing.open("ab") as handle:
        handle.write(data[len(data) // 2 :])
    watcher.poll()
    watcher.poll()
    assert _queued(folder) == ["empty.pdf", "notes.txt"]  # the growing file is not complete yet
    watcher.poll()
    assert _queued(folder) == ["empty.pdf", "notes.txt", "scan-0001.png"]
    assert not growing.exists()

    Worker(desk.runtime).run(until_idle=True)
    restarted = Watcher(desk.runtime, folder, settle_polls=2)  # a restart reads nothing twice
    finished = {item.name: item for item in restarted.poll()}
    assert _queued(folder) == [] and restarted.poll() == []
    assert set(finished) == {"scan-0001.png", "empty.pdf", "notes.txt"}
    assert finished["scan-0001.png"].outcome.forms == 1
    assert (folder / DONE_DIR / "scan-0001.png").read_bytes() == data
    failed = folder / FAILED_DIR
    assert sorted(p.name for p in failed.iterdir()) == [
        "empty.pdf",
        "empty.pdf" + REASON_SUFFIX,
        "notes.txt",
        "notes.txt" + REASON_SUFFIX,
    ]
    assert (failed / ("empty.pdf" + REASON_SUFFIX)).read_text().startswith("empty_file: ")
    assert (failed / ("notes.txt" + REASON_SUFFIX)).read_text().startswith("unsupported_format")

    sha = hashlib.sha256(data).hexdigest()
    with desk.runtime.db.session(write=False) as session:
        read = session.scalar(
            select(Contribution).where(Contribution.channel_message_id == f"{sha}:0")
        )
        assert read is not None and read.language == "nl"
        assert lab.accuracy(SHORT.answer, read.text) >= 0.9, read.text
        assert read.answers["fields"]["consent"]["checked"] is True

    again = desk.cli("scans", "import", str(folder / DONE_DIR / "scan-0001.png"))
    assert "1 files read: 1 forms" in again.stdout
    assert _count(desk, sha) == 1
