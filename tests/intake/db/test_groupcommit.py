"""Writes that queue up behind a transaction share the next one, and still fail alone."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, event, text
from sqlalchemy.exc import IntegrityError

from intake.db import WRITE_OPTION, Database

THREADS = 6


@pytest.fixture
def notes(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'notes.db'}")
    with db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT UNIQUE)"))
    yield db
    db.dispose()


def _commits(db: Database) -> list[int]:
    counted: list[int] = []
    event.listen(db.engine, "commit", lambda _connection: counted.append(1))
    return counted


def _note(body: str) -> Callable[[Connection], int]:
    def work(connection: Connection) -> int:
        row = connection.execute(
            text("INSERT INTO note (body) VALUES (:body) RETURNING id"), {"body": body}
        ).scalar_one()
        return int(row)

    return work


def _bodies(db: Database) -> list[str]:
    with db.engine.connect() as connection:
        return list(connection.scalars(text("SELECT body FROM note ORDER BY id")))


def _in_threads(db: Database, works: list[Callable[[Connection], int]]) -> list[object]:
    """Start each write in its own thread while a first, slow write holds the transaction."""
    outcomes: list[object] = [None] * len(works)
    holding, release = threading.Event(), threading.Event()

    def slow(connection: Connection) -> int:
        holding.set()
        release.wait(10)
        return _note("first")(connection)

    def run(index: int) -> None:
        try:
            outcomes[index] = db.write(works[index])
        except BaseException as error:  # noqa: BLE001 - the test looks at what each caller got
            outcomes[index] = error

    leader = threading.Thread(target=db.write, args=(slow,))
    leader.start()
    assert holding.wait(10)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(works))]
    for thread in threads:
        thread.start()
    time.sleep(0.2)  # every other write is waiting now
    release.set()
    for thread in (leader, *threads):
        thread.join(10)
    return outcomes


def test_writes_waiting_behind_a_transaction_are_committed_together(notes: Database) -> None:
    commits = _commits(notes)
    bodies = [f"note {n}" for n in range(THREADS)]
    ids = _in_threads(notes, [_note(body) for body in bodies])
    assert len(commits) == 2, "the waiting writes should have shared one transaction"
    stored = _bodies(notes)
    assert sorted(stored) == sorted(["first", *bodies])
    # Each caller got back what its own write returned: the id of its own row.
    with notes.engine.connect() as connection:
        for body, new_id in zip(bodies, ids, strict=True):
            found = connection.execute(text("SELECT body FROM note WHERE id = :id"), {"id": new_id})
            assert found.scalar_one() == body


def test_a_failing_write_fails_alone_and_the_others_are_kept(notes: Database) -> None:
    with notes.engine.begin() as connection:
        connection.execute(text("INSERT INTO note (body) VALUES ('taken')"))

    def half_then_fail(connection: Connection) -> int:
        _note("half written")(connection)
        return _note("taken")(connection)  # violates UNIQUE: this write must leave nothing

    works = [_note("a"), half_then_fail, _note("b"), _note("c")]
    outcomes = _in_threads(notes, works)
    assert isinstance(outcomes[1], IntegrityError)
    assert all(isinstance(outcome, int) for i, outcome in enumerate(outcomes) if i != 1)
    assert sorted(_bodies(notes)) == ["a", "b", "c", "first", "taken"]


def test_a_lone_write_is_committed_at_once(notes: Database) -> None:
    commits = _commits(notes)
    assert notes.write(_note("alone")) == 1
    assert len(commits) == 1 and _bodies(notes) == ["alone"]


def test_on_postgresql_each_write_has_its_own_transaction(postgres_schema_url: str) -> None:
    db = Database(postgres_schema_url)
    try:
        with db.engine.begin() as connection:
            connection.execute(text("CREATE TABLE note (id SERIAL PRIMARY KEY, body TEXT UNIQUE)"))
        commits = _commits(db)
        outcomes: list[object] = []
        threads = [
            threading.Thread(target=lambda n=n: outcomes.append(db.write(_note(f"n{n}"))))
            for n in range(THREADS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert len(commits) == THREADS and sorted(_bodies(db)) == sorted(
            f"n{n}" for n in range(THREADS)
        )
    finally:
        db.dispose()


class _Interrupted(BaseException):
    """What a worker's timeout raises in the middle of a request."""


def test_writes_caught_in_an_interrupted_batch_get_an_error_not_a_hang(notes: Database) -> None:
    def interrupted(connection: Connection) -> int:
        _note("lost")(connection)
        raise _Interrupted

    outcomes = _in_threads(notes, [_note("a"), interrupted, _note("b")])
    # The thread that ran the batch is the one interrupted; the others hear of it.
    kinds = sorted(type(outcome).__name__ for outcome in outcomes)
    assert kinds == ["RuntimeError", "RuntimeError", "_Interrupted"]
    assert _bodies(notes) == ["first"]
    assert notes.write(_note("after")) > 0, "the next write finds the way free"


def test_a_write_that_starts_another_write_is_refused_rather_than_hanging(
    notes: Database,
) -> None:
    def nested(connection: Connection) -> int:
        return notes.write(_note("inner"))

    with pytest.raises(RuntimeError, match="cannot start another write"):
        notes.write(nested)
    assert notes.write(_note("after")) > 0


def test_a_write_can_run_on_the_connection_the_caller_reads_on(notes: Database) -> None:
    with notes.engine.connect() as connection:
        first = notes.write(_note("one"), connection)
        second = notes.write(_note("two"), connection)
        # Reading again afterwards begins an ordinary, deferred transaction.
        assert not connection.get_execution_options().get(WRITE_OPTION)
        assert connection.scalar(text("SELECT count(*) FROM note")) == 2
    assert (first, second) == (1, 2) and _bodies(notes) == ["one", "two"]
