"""Engines and sessions: SQLite in WAL mode by default, PostgreSQL to scale out."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from intake.db.groupcommit import GroupCommit
from intake.db.writeturn import WriteTurn
from intake.files import create_private

WRITE_OPTION = "inspraak_write"
# Seconds a SQLite writer waits for the write lock (INSPRAAK_DATABASE_TIMEOUT).
DEFAULT_TIMEOUT = 30
T = TypeVar("T")
# Where statements run: an ORM session, or a Core connection on paths where the session's
# own bookkeeping would cost more than the statements (every incoming message).
Executor = Session | Connection

# What a database that is away raises: unreachable, restarted, locked past its timeout, out of
# disk. A refused write (a constraint, a bad value) is not one: it would fail again on replay.
UNAVAILABLE = (OperationalError, InterfaceError)
# Runs of a request whose connection the server dropped under it (a terminated backend, a
# restart): the pool's pre-ping finds idle dropped connections, this the ones dropped in use.
DROPPED_TRIES = 2


def retry_dropped(work: Callable[[], T]) -> T:
    """Run `work` (which must be safe to run again), again on a fresh connection when the
    server dropped the one it had; a server that stays away raises as before."""
    for _attempt in range(DROPPED_TRIES - 1):
        try:
            return work()
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
    return work()


def _tuner(timeout: float) -> Callable[[Any, Any], None]:
    def tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
        # WAL lets readers go on while one writer writes; busy_timeout queues writers
        # instead of failing them (past it, the webhooks spool); SQLite leaves foreign
        # keys unchecked unless asked.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return tune_sqlite


def _begin(conn: Connection) -> None:
    # A writing transaction takes the write lock at BEGIN: one that read first and then
    # wrote would fail at once ("database is locked") when another writer came between.
    # Reading transactions stay deferred, so page views never wait for writers.
    statement = "BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "BEGIN"
    # Straight to the driver: every transaction runs this, and going through SQLAlchemy's
    # execution machinery would take longer than SQLite takes to begin.
    error_base = conn.dialect.loaded_dbapi.Error
    try:
        conn.connection.driver_connection.execute(statement)  # type: ignore[union-attr]
    except error_base as error:
        raise DBAPIError.instance(statement, (), error, error_base, dialect=conn.dialect) from error


@contextmanager
def _writing(connection: Connection) -> Iterator[None]:
    """Run a write transaction on `connection` (on SQLite it begins IMMEDIATE: see `_begin`)."""
    connection.execution_options(**{WRITE_OPTION: True})
    try:
        with connection.begin():
            yield
    finally:
        connection.execution_options(**{WRITE_OPTION: False})


def _create_private_database(url: str) -> None:
    # SQLite gives its -wal and -shm files the mode of the database file: made 0600 here,
    # before SQLite creates it with whatever the umask allows, all three stay private.
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    # There already, or no folder for it: SQLite says so when it connects.
    with contextlib.suppress(FileExistsError, FileNotFoundError):
        os.close(create_private(Path(database), exclusive=True))


def make_engine(url: str, *, timeout: float = DEFAULT_TIMEOUT, **options: Any) -> Engine:
    """Create an engine for `url`, tuned for Inspraak's use of it.

    `timeout`: seconds a SQLite writer waits for the lock before it fails.
    """
    # A statement's values are residents' numbers and words: never in an error's text.
    options.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        _create_private_database(url)
        engine = create_engine(
            url, connect_args={"timeout": timeout, "isolation_level": None}, **options
        )
        event.listen(engine, "connect", _tuner(timeout))
        event.listen(engine, "begin", _begin)
        return engine
    options.setdefault("pool_pre_ping", True)
    return create_engine(url, **options)


def _write_lock_path(url: str) -> str | None:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return f"{database}-write.lock"


class Database:
    """One engine and its two session factories: for reading, and for writing."""

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT, **options: Any) -> None:
        self.url = url
        self.engine = make_engine(url, timeout=timeout, **options)
        self.readers = sessionmaker(self.engine, expire_on_commit=False)
        self.writers = sessionmaker(
            self.engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )
        self._turn = (
            WriteTurn(_write_lock_path(url), self._checkpoint) if url.startswith("sqlite") else None
        )
        self._group = GroupCommit(_writing, self._turn) if self._turn else None

    def write(self, work: Callable[[Connection], T], connection: Connection | None = None) -> T:
        """Run `work` in a write transaction, commit, and return what `work` returned.

        `work` may run again (after a rollback), must only write through the connection,
        and must not start another write. `connection`, one the caller read on (outside
        a transaction), saves taking another from the pool. On SQLite the writes of this
        process's threads that queue up meanwhile share the next transaction (see
        `GroupCommit`); PostgreSQL gives each its own.
        """
        if connection is None:
            with self.engine.connect() as own:
                return self.write(work, own)
        if self._group is not None:
            return self._group.run(work, connection)
        with _writing(connection):
            return work(connection)

    def reading(self) -> contextlib.AbstractContextManager[Connection]:
        """Return a Core connection to read on, and to hand to `write` after the reads.

        What it leaves uncommitted rolls back when it closes.
        """
        return self.engine.connect()

    def writing(self) -> contextlib.AbstractContextManager[object]:
        """Hold the turn to write, around a write transaction up to its commit.

        SQLite lets one writer in at a time; queueing the writers of every web process
        on a lock hands the database over at once instead of after SQLite's polling.
        PostgreSQL needs no such turn.
        """
        return self._turn or contextlib.nullcontext()

    def _checkpoint(self) -> None:
        # PASSIVE: copies what it can without waiting for, or blocking, readers and writers.
        connection = self.engine.raw_connection()
        try:
            connection.driver_connection.execute(  # type: ignore[union-attr]
                "PRAGMA wal_checkpoint(PASSIVE)"
            ).fetchall()
        finally:
            connection.close()

    @contextmanager
    def session(self, *, write: bool = True) -> Iterator[Session]:
        """Open a session that rolls back on error and always closes; callers commit."""
        session = (self.writers if write else self.readers)()
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        """Close every pooled connection (before forking, and at exit)."""
        self.engine.dispose()


def dialect_name(session: Executor) -> str:
    """Name the database behind a session or connection: `sqlite` or `postgresql`."""
    bind = session.get_bind() if isinstance(session, Session) else session
    return bind.dialect.name


def insert(session: Executor, model: type[Any]) -> Any:
    """Return a Core INSERT into `model`'s table in the session's dialect (for ON CONFLICT).

    The table, not the mapped class, keeps the ORM's bulk machinery out of hot paths.
    """
    dialect = postgresql if dialect_name(session) == "postgresql" else sqlite
    return dialect.insert(model.__table__)


def upsert(
    session: Session, model: type[Any], values: dict[str, Any], key: str, update: dict[str, Any]
) -> None:
    """Insert a row, or update it when one with the same `key` column exists."""
    statement = insert(session, model).values(**values)
    session.execute(statement.on_conflict_do_update(index_elements=[key], set_=update))
