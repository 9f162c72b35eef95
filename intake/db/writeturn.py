"""SQLite's writers take turns across threads and processes; its log is copied back after."""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Callable
from types import TracebackType

log = logging.getLogger("inspraak.db")
# A contribution adds about 16 pages (its row and its indexes) to SQLite's write-ahead
# log. SQLite itself copies the log back into the database at 1,000 pages, inside the
# commit that crosses that line, fsyncs included; copying every 32 turns of each process
# keeps the log under that line, so that no commit waits for the copy.
CHECKPOINT_EVERY = 32


class WriteTurn:
    """One writer at a time to a SQLite file, across threads and processes.

    First among this process's threads, then among the processes that serve the same
    file (gunicorn's workers), by a lock on a file beside it. SQLite lets one writer in
    and makes the others poll with growing sleeps (1, 2, 5 … ms); a waiter here sleeps in
    the kernel and is woken the moment the turn is free. Every CHECKPOINT_EVERY turns,
    after the turn is handed on, `checkpoint` copies the log into the database, so that
    SQLite need not do it (and wait for the disk) inside a commit while every other writer
    waits for the turn.
    """

    def __init__(self, lock_path: str | None, checkpoint: Callable[[], None]) -> None:
        self._threads = threading.Lock()
        self._lock_path = lock_path
        self._fd: int | None = None
        self._pid = 0
        self._checkpoint = checkpoint
        self._turns = 0
        self._checkpointing = threading.Lock()

    def _file(self) -> int | None:
        if self._lock_path is None:
            return None
        if self._pid != os.getpid():
            # A forked child must not share its parent's open file: the lock is the file's.
            try:
                self._fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError:
                self._lock_path = self._fd = None  # SQLite's own polling still keeps order
            self._pid = os.getpid()
        return self._fd

    def __enter__(self) -> None:
        self._threads.acquire()
        try:
            fd = self._file()
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._turns += 1
            due = self._turns % CHECKPOINT_EVERY == 0
            self._threads.release()
        if due and kind is None:
            self._copy_log_back()

    def _copy_log_back(self) -> None:
        if not self._checkpointing.acquire(blocking=False):
            return  # another thread of this process is at it
        try:
            self._checkpoint()
        except Exception:  # noqa: BLE001 - the request's data is committed; SQLite will retry
            log.warning("could not checkpoint the SQLite log", exc_info=True)
        finally:
            self._checkpointing.release()
