"""The scan folder is writable by whoever reaches the copier's share: symlinks left there
must never make the watcher write, move or read anything outside it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from channels.paper.watcher import (
    DONE_DIR,
    FAILED_DIR,
    QUEUED_DIR,
    REASON_SUFFIX,
    UnsafeFolderError,
    Watcher,
)
from intake.jobs.worker import Worker
from intake.models import Job
from intake.runtime import Runtime


def _settle(watcher: Watcher, polls: int = 3) -> None:
    for _ in range(polls):
        watcher.poll()


def _jobs(runtime: Runtime) -> int:
    with runtime.db.session(write=False) as session:
        return int(session.scalar(select(func.count()).select_from(Job)) or 0)


def test_a_reason_file_planted_as_a_symlink_does_not_overwrite_its_target(
    runtime: Runtime, tmp_path: Path
) -> None:
    victim = tmp_path / "precious.conf"
    victim.write_text("keep me\n")
    folder = tmp_path / "copier"
    watcher = Watcher(runtime, folder, settle_polls=1)
    # The attacker knows the name the reason file will get, and points it at the victim.
    os.symlink(victim, folder / FAILED_DIR / ("notes.txt" + REASON_SUFFIX))
    (folder / "notes.txt").write_text("geen scan\n")
    _settle(watcher)
    Worker(runtime).run(until_idle=True)
    [finished] = watcher.poll()

    assert finished.outcome.state == "refused"
    assert victim.read_text() == "keep me\n"
    reason = folder / FAILED_DIR / ("notes.txt" + REASON_SUFFIX)
    assert not reason.is_symlink() and reason.read_text().startswith("unsupported_format")
    assert (reason.stat().st_mode & 0o777) == 0o600
    assert (folder / FAILED_DIR / "notes.txt").read_text() == "geen scan\n"


def test_a_target_folder_swapped_for_a_symlink_is_refused(runtime: Runtime, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    folder = tmp_path / "copier"
    watcher = Watcher(runtime, folder, settle_polls=1)
    (folder / "notes.txt").write_text("geen scan\n")
    _settle(watcher)
    Worker(runtime).run(until_idle=True)
    # Between two polls, failed/ becomes a link to a folder of the attacker's choice.
    os.rmdir(folder / FAILED_DIR)
    os.symlink(elsewhere, folder / FAILED_DIR)

    with pytest.raises(UnsafeFolderError):
        watcher.poll()
    assert list(elsewhere.iterdir()) == []
    assert [p.name.partition("-")[2] for p in (folder / QUEUED_DIR).iterdir()] == ["notes.txt"]
    with pytest.raises(UnsafeFolderError):  # a restarted watcher refuses it as well
        Watcher(runtime, folder)


def test_a_symlinked_done_folder_is_refused_at_start(runtime: Runtime, tmp_path: Path) -> None:
    folder, elsewhere = tmp_path / "copier", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    os.symlink(elsewhere, folder / DONE_DIR)
    with pytest.raises(UnsafeFolderError, match=DONE_DIR):
        Watcher(runtime, folder)


def test_a_symlink_to_a_secret_is_never_read(runtime: Runtime, tmp_path: Path) -> None:
    secret = runtime.settings.data_dir / "secret_key"
    folder = tmp_path / "copier"
    watcher = Watcher(runtime, folder, settle_polls=1)
    os.symlink(secret, folder / "scan-0001.pdf")
    _settle(watcher)

    assert _jobs(runtime) == 0
    stored = [p for p in runtime.settings.media_dir.rglob("*") if p.is_file()]
    assert stored == []
    assert (folder / "scan-0001.pdf").is_symlink()  # left where it was, untouched
