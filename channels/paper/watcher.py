"""The copier's "scan to folder": pick up finished files once, read them, move them aside."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from channels.paper.importer import Outcome, outcome, queue_file
from intake.runtime import Runtime
from intake.worker import Worker

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


class Watcher:
    """Watch one folder: a file is queued once its size and time stop changing between polls.

    A queued file is moved into `.queued/` under its job's id, so that neither a second
    poll nor a restarted watcher reads it again; once the job ends it goes to `done/`, or
    to `failed/` beside a text file giving the reason.
    """

    def __init__(self, runtime: Runtime, folder: Path, *, settle_polls: int = 2) -> None:
        self.runtime = runtime
        self.folder = folder
        self.settle_polls = settle_polls
        self._seen: dict[str, tuple[int, int, int]] = {}  # name -> (size, mtime, stable polls)
        for sub in (QUEUED_DIR, DONE_DIR, FAILED_DIR):
            (folder / sub).mkdir(parents=True, exist_ok=True)

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
            with self.runtime.db.session() as session:
                queued = queue_file(self.runtime, session, path)
                path.rename(self.folder / QUEUED_DIR / f"{queued.job_id}-{path.name}")
                session.commit()
        except OSError as error:  # taken away or unreadable meanwhile: look again next poll
            log.warning("watched file not queued: %s", error.strerror)
            return
        log.info("watched file queued as job %s", queued.job_id)

    def _finish(self) -> list[Finished]:
        finished = []
        for path in sorted((self.folder / QUEUED_DIR).iterdir()):
            job_id, _, name = path.name.partition("-")
            if not (job_id.isdigit() and name):
                path.rename(self.folder / path.name)  # not put there by a watcher
                continue
            with self.runtime.db.session(write=False) as session:
                result = outcome(session, int(job_id))
            if result is None:  # queued by a watcher that stopped before committing
                path.rename(self.folder / name)
            elif result.state != "waiting":
                finished.append(self._move(path, name, result))
        return finished

    def _move(self, path: Path, name: str, result: Outcome) -> Finished:
        target_dir = self.folder / (DONE_DIR if result.state == "read" else FAILED_DIR)
        target = target_dir / name
        if target.exists():
            target = target_dir / path.name  # the job id keeps a second file of that name apart
        path.rename(target)
        if result.state == "refused":
            target.with_name(target.name + REASON_SUFFIX).write_text(result.reason + "\n")
        return Finished(name, result, target)

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
