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
    """One thread's write, and what became of it."""

    work: Callable[[Connection], T]
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
    others wait for it; the next leader takes what queued meanwhile. Should one write of
    a batch fail, the batch is rolled back and each write is run again on its own, so a
    write fails or succeeds as it would alone and never takes another down with it.
    """

    def __init__(self, connect: Callable[[], Connection], turn: AbstractContextManager[object]):
        self._connect = connect
        self._turn = turn
        self._changed = threading.Condition()
        self._waiting: list[_Write[Any]] = []
        self._leader: int | None = None  # the thread committing now

    def run(self, work: Callable[[Connection], T]) -> T:
        """Run `work` in a write transaction, commit, and return what it returned."""
        write: _Write[T] = _Write(work)
        with self._changed:
            if self._leader == threading.get_ident():
                raise RuntimeError("a write cannot start another write: it would wait for itself")
            self._waiting.append(write)
            while self._leader is not None and not write.finished:
                self._changed.wait()
            if write.finished:
                return write.outcome()
            self._leader = threading.get_ident()
            batch, self._waiting = self._waiting, []
        try:
            self._commit(batch)
        finally:
            with self._changed:
                for pending in batch:  # only if the leader itself was interrupted
                    if not pending.finished:
                        pending.finish(error=RuntimeError("the write was interrupted"))
                self._leader = None
                self._changed.notify_all()
        return write.outcome()

    def _commit(self, batch: list[_Write[Any]]) -> None:
        with self._connect() as connection, self._turn:
            if len(batch) > 1:
                try:
                    results = self._transaction(connection, [w.work for w in batch])
                except Exception:  # noqa: BLE001 - each write is tried again on its own
                    pass
                else:
                    for write, result in zip(batch, results, strict=True):
                        write.finish(result)
                    return
            for write in batch:
                try:
                    (result,) = self._transaction(connection, [write.work])
                except Exception as error:  # noqa: BLE001 - handed to the thread that asked
                    write.finish(error=error)
                else:
                    write.finish(result)

    @staticmethod
    def _transaction(connection: Connection, works: list[Callable[[Connection], Any]]) -> list[Any]:
        with connection.begin():  # commits, or rolls back on an error
            return [work(connection) for work in works]
