"""SQLite's writers take turns across the web processes; the log is copied back after."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from multiprocessing.connection import Connection
from pathlib import Path

from sqlalchemy import text

from intake.db import Database
from intake.db.writeturn import CHECKPOINT_EVERY

TURNS_EACH = 15


def _hold_turns(url: str, out: Connection) -> None:
    # A gunicorn worker: forked from a parent that already used its own turn.
    db = Database(url)
    held = []
    for _ in range(TURNS_EACH):
        with db.writing():
            start = time.monotonic()
            time.sleep(0.002)
            held.append((start, time.monotonic()))
    out.send(held)
    out.close()


def test_writers_in_several_processes_take_turns(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'turns.db'}"
    with Database(url).writing():
        pass  # the lock file exists and the parent has it open, as before a fork
    fork = multiprocessing.get_context("fork")
    pipes = [fork.Pipe(duplex=False) for _ in range(3)]
    workers = [fork.Process(target=_hold_turns, args=(url, sent)) for _, sent in pipes]
    for worker in workers:
        worker.start()
    turns = sorted(interval for received, _ in pipes for interval in received.recv())
    for worker in workers:
        worker.join(30)
        assert worker.exitcode == 0
    assert len(turns) == 3 * TURNS_EACH
    for (_, end), (next_start, _) in zip(turns, turns[1:], strict=False):
        assert end <= next_start, "two processes wrote at the same time"


def test_after_a_series_of_writes_the_database_file_holds_them(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'log.db'}")
    with db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)"))
    for n in range(CHECKPOINT_EVERY):
        with db.writing(), db.session() as session:
            session.execute(text("INSERT INTO note (body) VALUES (:body)"), {"body": f"n{n}"})
            session.commit()
    # The file alone, without its write-ahead log: what a plain file copy would take.
    copy = tmp_path / "copy.db"
    copy.write_bytes((tmp_path / "log.db").read_bytes())
    with sqlite3.connect(copy) as connection:
        assert connection.execute("SELECT count(*) FROM note").fetchone() == (CHECKPOINT_EVERY,)
    db.dispose()
