"""The copier's "scan to folder": pick up finished files once, read them, move them aside."""

from __future__ import annotations

import logging
import os
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from channels.paper.jobs import Outcome, outcome, queue_stream
from intake.files import DIR_MODE, FILE_MODE
from intake.jobs.worker import Worker
from intake.runtime import Runtime
from intake.storage import StorageFullError

log = logging.getLogger("inspraak.paper")

QUEUED_DIR = ".queued"
DONE_DIR = "done"
FAILED_DIR = "failed"
REASON_SUFFIX = ".reason.txt"


@dataclass(frozen=True)
class Finished:
    """A watched file whose reading ended, and where it was moved."""

    name: str
    outcome: Outcome
    moved_to: Path


class UnsafeFolderError(Exception):
    """A folder the watcher writes into is a symlink or not a folder: it refuses to use it."""


def _open_dir(name: str, parent: int) -> int:
    """Open a sub-folder to work in, refusing a symlink (O_NOFOLLOW) or anything else."""
    try:
        return os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=parent)
    except FileNotFoundError:
        raise
    except OSError:
        raise UnsafeFolderError(f"{name} is not a plain folder (a symlink?)") from None


@contextmanager
def _folders(folder: Path, *names: str) -> Iterator[list[int]]:
    """Hold the watched folder and its sub-folders open, so no path is looked up twice."""
    # The watched folder itself is the operator's choice, and may be reached through a link.
    fds = [os.open(folder, os.O_RDONLY | os.O_DIRECTORY)]
    try:
        fds.extend(_open_dir(name, fds[0]) for name in names)
        yield fds
    finally:
        for fd in fds:
            os.close(fd)


def _exists(name: str, folder_fd: int) -> bool:
    try:
        os.lstat(name, dir_fd=folder_fd)
    except FileNotFoundError:
        return False
    return True


def _write_reason(folder_fd: int, name: str, reason: str) -> None:
    """Write the reason file new, never through a symlink someone left under its name."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    for _ in range(2):
        try:
            fd = os.open(name, flags, FILE_MODE, dir_fd=folder_fd)
        except FileExistsError:
            os.unlink(name, dir_fd=folder_fd)  # removes a symlink itself, not its target
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(reason + "\n")
        return
    log.warning("reason file not written: its name keeps being taken")


class Watcher:
    """Watch one folder: a file is queued once its size and time stop changing between polls.

    A queued file is moved into `.queued/` under its job's id, so that neither a second
    poll nor a restarted watcher reads it again; once the job ends it goes to `done/`, or
    to `failed/` beside a text file giving the reason.

    Whoever can write to the copier's share can leave symlinks there: the watcher reads no
    file through one, writes nothing through one, and refuses sub-folders that are one.
    """

    def __init__(self, runtime: Runtime, folder: Path, *, settle_polls: int = 2) -> None:
        self.runtime = runtime
        self.folder = folder
        self.settle_polls = settle_polls
        self._seen: dict[str, tuple[int, int, int]] = {}  # name -> (size, mtime, stable polls)
        folder.mkdir(parents=True, exist_ok=True)
        with _folders(folder) as (top,):
            for sub in (QUEUED_DIR, DONE_DIR, FAILED_DIR):
                with suppress(FileExistsError):
                    os.mkdir(sub, DIR_MODE, dir_fd=top)
                os.close(_open_dir(sub, top))  # refuses a symlink planted in its place

    def poll(self) -> list[Finished]:
        """Move away the files whose job ended, then queue the files that are complete."""
        finished = self._finish()
        for path in self._complete():
            self._queue(path)
        return finished

    def _complete(self) -> list[Path]:
        ready, present = [], set()
        for entry in sorted(os.scandir(self.folder), key=lambda e: e.name):
            if not entry.is_file(follow_symlinks=False) or entry.name.startswith((".", "~")):
                continue
            stat = entry.stat(follow_symlinks=False)
            present.add(entry.name)
            size, mtime, stable = self._seen.get(entry.name, (-1, -1, 0))
            stable = stable + 1 if (size, mtime) == (stat.st_size, stat.st_mtime_ns) else 0
            self._seen[entry.name] = (stat.st_size, stat.st_mtime_ns, stable)
            if stable >= self.settle_polls:
                ready.append(Path(entry.path))
        self._seen = {name: seen for name, seen in self._seen.items() if name in present}
        return ready

    def _queue(self, path: Path) -> None:
        self._seen.pop(path.name, None)
        try:
            with _folders(self.folder, QUEUED_DIR) as (top, queued_dir):
                # Swapped for a symlink since it was looked at: O_NOFOLLOW refuses to read it.
                fd = os.open(path.name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=top)
                with os.fdopen(fd, "rb") as handle:
                    if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                        return
                    with self.runtime.db.session() as session:
                        queued = queue_stream(self.runtime, session, handle, path.name)
                        os.rename(
                            path.name,
                            f"{queued.job_id}-{path.name}",
                            src_dir_fd=top,
                            dst_dir_fd=queued_dir,
                        )
                        session.commit()
        except OSError as error:  # taken away or unreadable meanwhile: look again next poll
            log.warning("watched file not queued: %s", error.strerror)
            return
        except StorageFullError as error:  # left where it lies, tried again next poll
            log.error("watched file not queued: %s", error)
            return
        log.info("watched file queued as job %s", queued.job_id)

    def _finish(self) -> list[Finished]:
        finished = []
        with _folders(self.folder, QUEUED_DIR, DONE_DIR, FAILED_DIR) as fds:
            top, queued_dir, done_dir, failed_dir = fds
            for name in sorted(os.listdir(queued_dir)):
                job_id, _, original = name.partition("-")
                if not (job_id.isdigit() and original):
                    # Not put there by a watcher: back where files arrive (a new name there
                    # is never overwritten: a file already there waits another poll).
                    if not _exists(name, top):
                        os.rename(name, name, src_dir_fd=queued_dir, dst_dir_fd=top)
                    continue
                with self.runtime.db.session(write=False) as session:
                    result = outcome(session, int(job_id))
                if result is None:  # queued by a watcher that stopped before committing
                    if not _exists(original, top):
                        os.rename(name, original, src_dir_fd=queued_dir, dst_dir_fd=top)
                elif result.state != "waiting":
                    target_fd = done_dir if result.state == "read" else failed_dir
                    target_name = original if not _exists(original, target_fd) else name
                    # rename() replaces a symlink at the target itself, never what it points to.
                    os.rename(name, target_name, src_dir_fd=queued_dir, dst_dir_fd=target_fd)
                    if result.state == "refused":
                        _write_reason(target_fd, target_name + REASON_SUFFIX, result.reason)
                    target_dir = DONE_DIR if result.state == "read" else FAILED_DIR
                    finished.append(
                        Finished(original, result, self.folder / target_dir / target_name)
                    )
        return finished

    def run(
        self, stop: threading.Event, report: Callable[[Finished], None], poll_seconds: float = 2.0
    ) -> None:
        """Poll until `stop` is set, reporting every file whose reading ended."""
        while not stop.is_set():
            for item in self.poll():
                report(item)
            stop.wait(poll_seconds)


@contextmanager
def local_worker(runtime: Runtime, poll_seconds: float = 0.5) -> Iterator[Worker]:
    """Run a worker in a thread beside a command, and stop it after its job at hand."""
    worker = Worker(runtime, poll_seconds=poll_seconds)
    thread = threading.Thread(target=worker.run, name="paper-worker", daemon=True)
    thread.start()
    try:
        yield worker
    finally:
        worker.stop()
        thread.join()
