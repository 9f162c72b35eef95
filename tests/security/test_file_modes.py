"""What Inspraak writes to disk is private to the service user, whatever umask it starts with.

The database, its write-ahead log, the media, the generated secret, exports written with
`-o` and the scan folder's work folders hold residents' data: with umask 0o000 (everything
world-writable) they must still come out 0600 and 0700.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from channels.paper.watcher import FAILED_DIR, QUEUED_DIR, REASON_SUFFIX, Watcher
from intake.consultations import seed_demo
from intake.jobs.worker import Worker
from intake.migrations import upgrade
from intake.runtime import Runtime
from tests.cli import ROOT
from tests.conftest import make_settings


def shared(root: Path) -> list[str]:
    """List what under `root` others than the owner may read, write or enter."""
    found = []
    for path in [root, *root.rglob("*")]:
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            continue
        if mode & 0o077:
            found.append(f"{path.relative_to(root.parent)} {stat.filemode(mode)}")
    return found


@contextmanager
def umask(value: int) -> Iterator[None]:
    previous = os.umask(value)
    try:
        yield
    finally:
        os.umask(previous)


def _cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "INSPRAAK_DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-m", "intake", *args],
        cwd=ROOT,
        env={**env, "INSPRAAK_DATA_DIR": str(data)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        preexec_fn=lambda: os.umask(0),  # noqa: PLW1509 - the umask is what is tested
    )


def test_the_commands_keep_data_and_exports_private_under_umask_zero(tmp_path: Path) -> None:
    data, exports = tmp_path / "data", tmp_path / "exports"
    exports.mkdir()
    _cli(data, "db", "upgrade")
    _cli(data, "demo")
    _cli(data, "export", "demo", "--format", "csv", "-o", str(exports / "demo.csv"))
    _cli(data, "export", "demo", "-o", str(exports / "demo.json"), "--with-personal-data")

    names = {p.name for p in data.iterdir()}
    assert {"inspraak.db", "secret_key", "media"} <= names
    assert shared(data) == []
    assert [stat.filemode(p.stat().st_mode) for p in sorted(exports.iterdir())] == [
        "-rw-------",
        "-rw-------",
    ]


def test_the_runtime_keeps_its_files_private_even_when_the_process_umask_is_zero(
    tmp_path: Path,
) -> None:
    data, copier = tmp_path / "data", tmp_path / "copier"
    copier.mkdir()
    with umask(0):
        runtime = Runtime.start(make_settings(data))
        upgrade(runtime.db.engine)
        with runtime.db.session() as session:
            seed_demo(session)
            session.commit()
        key, _size = runtime.media.put_bytes(b"\xff\xd8 a resident's photo \xff\xd9")
        watcher = Watcher(runtime, copier, settle_polls=1)
        (copier / "notes.txt").write_text("geen scan\n")
        for _ in range(3):
            watcher.poll()
        Worker(runtime).run(until_idle=True)
        [finished] = watcher.poll()
        runtime.db.dispose()

    assert (data / "inspraak.db-wal").exists() or (data / "inspraak.db").stat().st_size > 0
    assert shared(data) == [], shared(data)
    assert runtime.media.path(key).exists()
    assert finished.outcome.state == "refused"
    for work in (QUEUED_DIR, FAILED_DIR):
        assert stat.S_IMODE((copier / work).stat().st_mode) == 0o700
    reason = copier / FAILED_DIR / ("notes.txt" + REASON_SUFFIX)
    assert stat.S_IMODE(reason.stat().st_mode) == 0o600
