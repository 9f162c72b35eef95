"""Group commit: the writes a process's threads bring while one commits go in together.

SQLite takes one writer at a time, and every transaction pays the same fixed costs: the
turn handed from process to process, BEGIN and COMMIT, and the pages of each index that a
new row touches (the same last page for every row added in order). Under load the
writes that queue up behind a transaction share the next one: each pays those costs once
per batch instead of once per message. A lone write, the usual case, runs as before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection

T = TypeVar("T")


@dataclass
class _Write(Generic[T]):
    """One thread's write, what became of it, and the event its thread waits on."""

    work: Callable[[Connection], T]
    woken: threading.Event = field(default_factory=threading.Event, repr=False)
    finished: bool = False
    result: Any = None
    error: BaseException | None = field(default=None, repr=False)

    def finish(self, result: Any = None, error: BaseException | None = None) -> None:
        self.result, self.error, self.finished = result, error, True

    def outcome(self) -> T:
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[no-any-return]


class GroupCommit:
    """Commit the writes of this process's threads, together when they queue up.

    A thread that finds no transaction under way leads: it takes every write waiting
    (its own among them), holds the turn, runs them in one transaction and commits. The
    others wait; when the leader is done it wakes each thread of its batch with its
    result, and the first thread that queued meanwhile, which leads the next batch.
    Should one write of a batch fail, the batch is rolled back and each write is run
    again on its own, so a write fails or succeeds as it would alone and never takes
    another down with it.
    """

    def __init__(
        self,
        transaction: Callable[[Connection], AbstractContextManager[object]],
        turn: AbstractContextManager[object],
    ) -> None:
        self._transaction = transaction  # begins on a connection; commits or rolls back
        self._turn = turn
        self._lock = threading.Lock()
        self._waiting: list[_Write[Any]] = []
        self._busy = False  # a leader is committing, or has been chosen
        self._leader: int | None = None

    def run(self, work: Callable[[Connection], T], connection: Connection) -> T:
        """Run `work` in a write transaction, commit, and return what it returned.

        Should this thread lead, its batch runs on `connection`.
        """
        write: _Write[T] = _Write(work)
        with self._lock:
            if self._leader == threading.get_ident():
                raise RuntimeError("a write cannot start another write: it would wait for itself")
            self._waiting.append(write)
            leads, self._busy = not self._busy, True
        if not leads:
            write.woken.wait()
            if write.finished:
                return write.outcome()
        with self._lock:  # leading: this write and every one queued behind the last batch
            self._leader = threading.get_ident()
            batch, self._waiting = self._waiting, []
        try:
            self._commit(batch, connection)
        finally:
            with self._lock:
                self._leader = None
                following = self._waiting[0] if self._waiting else None
                self._busy = following is not None
            for pending in batch:
                if not pending.finished:  # only if the leader itself was interrupted
                    pending.finish(error=RuntimeError("the write was interrupted"))
                if pending is not write:
                    pending.woken.set()
            if following is not None:
                following.woken.set()
        return write.outcome()

    def _commit(self, batch: list[_Write[Any]], connection: Connection) -> None:
        with self._turn:
            if len(batch) > 1:
                try:
                    results = self._together(connection, [w.work for w in batch])
                except Exception:  # noqa: BLE001 - each write is tried again on its own
                    pass
                else:
                    for write, result in zip(batch, results, strict=True):
                        write.finish(result)
                    return
            for write in batch:
                try:
                    (result,) = self._together(connection, [write.work])
                except Exception as error:  # noqa: BLE001 - handed to the thread that asked
                    write.finish(error=error)
                else:
                    write.finish(result)

    def _together(
        self, connection: Connection, works: list[Callable[[Connection], Any]]
    ) -> list[Any]:
        with self._transaction(connection):
            return [work(connection) for work in works]
