"""Backups: a consistent copy of the database and the media, taken while the service runs.

The database is copied first, as one snapshot (SQLite's online backup API in a single step,
or `pg_dump` on an exported PostgreSQL snapshot); the media follow. Media are immutable and
named by their sha256, so each copied file is checked against its name on the way, and a
file the snapshot needs but the store no longer has (erased meanwhile) is listed, not
invented. The manifest, with a checksum of every file, is written last: a backup without
one was interrupted and is refused by `restore`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Connection, Engine, inspect, make_url, text
from sqlalchemy.engine import URL

from intake.config import Settings
from intake.db import make_engine
from intake.migrations import upgrade
from intake.models import utcnow
from intake.storage import CHUNK, MediaNotFoundError, MediaStore, open_media_store

MANIFEST = "manifest.json"
FORMAT = 1
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.pgdump"
MEDIA = "media"
SECRET = "secret_key"
_REFERENCED = "SELECT DISTINCT sha256 FROM attachment WHERE sha256 IS NOT NULL"
_REVISION = "SELECT version_num FROM alembic_version"
_TRIGRAMS = "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"


class BackupError(Exception):
    """A backup cannot be taken or restored; the message says what to do."""


@dataclass(frozen=True)
class Manifest:
    """What a backup holds: the database copy, the media, and a checksum of every file."""

    created_at: str
    engine: str
    revision: str | None
    media_files: int
    media_bytes: int
    missing_media: tuple[str, ...]
    has_secret: bool
    files: Mapping[str, str]

    def to_json(self) -> dict[str, Any]:
        """Return the manifest as written to `manifest.json`."""
        return {
            "format": FORMAT,
            "created_at": self.created_at,
            "database": {"engine": self.engine, "revision": self.revision},
            "media": {
                "files": self.media_files,
                "bytes": self.media_bytes,
                "missing": list(self.missing_media),
            },
            "secret_key": self.has_secret,
            "files": dict(self.files),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Manifest:
        """Read a manifest written by `to_json`."""
        if data.get("format") != FORMAT:
            raise BackupError(f"this backup has format {data.get('format')!r}; expected {FORMAT}")
        return cls(
            created_at=str(data["created_at"]),
            engine=str(data["database"]["engine"]),
            revision=data["database"]["revision"],
            media_files=int(data["media"]["files"]),
            media_bytes=int(data["media"]["bytes"]),
            missing_media=tuple(data["media"]["missing"]),
            has_secret=bool(data["secret_key"]),
            files=dict(data["files"]),
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy_checked(source: Path, target: Path) -> str:
    """Copy `source` to `target` (private, fsynced) and return the sha256 of what was copied."""
    with source.open("rb") as src:
        return _write_checked(src, target)


def _write_checked(src: BinaryIO, target: Path) -> str:
    """Write a stream to `target` (private, fsynced) and return the sha256 of what was written."""
    digest = hashlib.sha256()
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest()


# --- the database -------------------------------------------------------------------------


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupError("only a SQLite database in a file can be backed up")
    return Path(url.database)


def _copy_sqlite(url: URL, target: Path) -> tuple[str | None, set[str]]:
    """Copy the live SQLite file in one step of the online backup API; read what it needs."""
    source = sqlite3.connect(_sqlite_path(url), timeout=30)
    copy = sqlite3.connect(target)
    try:
        # One step (pages=-1) copies one consistent snapshot; writers go on meanwhile (WAL).
        source.backup(copy)
        # The copy stands alone: no write-ahead log beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        revision = copy.execute(_REVISION).fetchone()
        keys = {row[0] for row in copy.execute(_REFERENCED)}
    finally:
        copy.close()
        source.close()
    os.chmod(target, 0o600)
    return (revision[0] if revision else None), keys


def libpq_environment(url: URL) -> dict[str, str]:
    """Return the PG* variables that point `pg_dump`/`pg_restore` at `url`.

    Through the environment, not the command line: a password there is visible to `ps`.
    """
    values = {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
    }
    options = url.query.get("options")
    if options:
        values["PGOPTIONS"] = options if isinstance(options, str) else " ".join(options)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    environment.update({k: str(v) for k, v in values.items() if v})
    return environment


def _schema(url: URL) -> str | None:
    # Deployments that keep Inspraak in its own schema say so in the connection options.
    options = url.query.get("options") or ""
    found = re.search(r"search_path\s*=\s*([A-Za-z_][A-Za-z0-9_]*)", str(options))
    return found.group(1) if found and found.group(1) != "public" else None


def _run(command: list[str], environment: Mapping[str, str]) -> None:
    try:
        result = subprocess.run(command, env=dict(environment), capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} is not installed; install the Debian package postgresql-client"
        ) from None
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-500:]}")


def _dump_postgres(engine: Engine, target: Path) -> tuple[str | None, set[str]]:
    """Run `pg_dump` on a snapshot exported from a transaction that also reads what it needs."""
    url = engine.url
    snapshot_engine = engine.execution_options(isolation_level="REPEATABLE READ")
    with snapshot_engine.connect() as connection, connection.begin():
        connection.execute(text("SET TRANSACTION READ ONLY"))
        snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
        revision = connection.scalar(text(_REVISION))
        keys = set(connection.scalars(text(_REFERENCED)))
        command = [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--snapshot={snapshot}",
            f"--file={target}",
        ]
        if schema := _schema(url):
            command.append(f"--schema={schema}")
        # The snapshot lives as long as this transaction: pg_dump must run inside it.
        _run(command, libpq_environment(url))
    os.chmod(target, 0o600)
    return revision, keys


# --- the media ----------------------------------------------------------------------------


def _relative(key: str) -> str:
    return f"{MEDIA}/{key[:2]}/{key[2:4]}/{key}"


def _copy_media(
    store: MediaStore, target: Path, files: dict[str, str], link_dest: Path | None
) -> tuple[int, int]:
    count = size = 0
    for key in store.stored_keys():
        relative = _relative(key)
        destination = target / relative
        earlier = link_dest / relative if link_dest else None
        if earlier is not None and earlier.is_file() and _sha256(earlier) == key:
            # Media never change under their name: yesterday's copy is today's.
            destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.link(earlier, destination)
            digest = key
        else:
            try:
                with store.open(key) as original:
                    digest = _write_checked(original, destination)
            except MediaNotFoundError:
                continue  # erased since the database was copied: it must not come back
        if digest != key:
            destination.unlink()
            raise BackupError(f"media file {key} is damaged in the store (its content changed)")
        files[relative] = digest
        count += 1
        size += destination.stat().st_size
    return count, size


# --- backup and restore -------------------------------------------------------------------


def _write_manifest(target: Path, manifest: Manifest) -> None:
    partial = target / (MANIFEST + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(manifest.to_json(), out, indent=2, sort_keys=True)
        out.write("\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, target / MANIFEST)
    _fsync(target)


def take_backup(
    settings: Settings, engine: Engine, target: Path, *, link_dest: Path | None = None
) -> Manifest:
    """Copy the database, then the media and the secret, into the empty folder `target`."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty; give a new folder for each backup")
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(target, 0o700)
    files: dict[str, str] = {}
    if engine.dialect.name == "sqlite":
        database = SQLITE_FILE
        revision, referenced = _copy_sqlite(engine.url, target / database)
    else:
        database = POSTGRES_FILE
        revision, referenced = _dump_postgres(engine, target / database)
    files[database] = _sha256(target / database)
    count, size = _copy_media(open_media_store(settings), target, files, link_dest)
    secret = settings.data_dir / SECRET
    if secret.is_file():
        files[SECRET] = _copy_checked(secret, target / SECRET)
    missing = sorted(key for key in referenced if _relative(key) not in files)
    manifest = Manifest(
        created_at=utcnow().isoformat(timespec="seconds"),
        engine=engine.dialect.name,
        revision=revision,
        media_files=count,
        media_bytes=size,
        missing_media=tuple(missing),
        has_secret=secret.is_file(),
        files=files,
    )
    _write_manifest(target, manifest)
    return manifest


def read_manifest(source: Path) -> Manifest:
    """Read a backup's manifest; a backup without one was never finished."""
    try:
        data = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{source} has no {MANIFEST}: the backup is incomplete") from None
    except (ValueError, KeyError) as error:
        raise BackupError(f"{source / MANIFEST} is unreadable: {error}") from None
    return Manifest.from_json(data)


def verify(source: Path, manifest: Manifest) -> list[str]:
    """List every file of the backup that is missing or whose checksum does not match."""
    problems = []
    for relative, expected in sorted(manifest.files.items()):
        path = source / relative
        if not path.is_file():
            problems.append(f"missing: {relative}")
        elif _sha256(path) != expected:
            problems.append(f"damaged: {relative}")
    return problems


def _is_empty(connection: Connection) -> bool:
    return not inspect(connection).get_table_names()


def _restore_database(manifest: Manifest, source: Path, url: str) -> None:
    parsed = make_url(url)
    if manifest.engine != parsed.get_backend_name():
        raise BackupError(
            f"this backup holds a {manifest.engine} database; INSPRAAK_DATABASE_URL "
            f"points at {parsed.get_backend_name()}"
        )
    if manifest.engine == "sqlite":
        path = _sqlite_path(parsed)
        for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        partial = path.with_name(path.name + ".restoring")
        partial.unlink(missing_ok=True)
        _copy_checked(source / SQLITE_FILE, partial)
        os.replace(partial, path)
        return
    # Extensions live outside the dumped schema; the search index needs this one.
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(_TRIGRAMS))
    finally:
        engine.dispose()
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={parsed.database}",
            str(source / POSTGRES_FILE),
        ],
        libpq_environment(parsed),
    )


def restore_backup(settings: Settings, source: Path) -> Manifest:
    """Check a backup, then put it into an empty data dir and database, and migrate it."""
    manifest = read_manifest(source)
    problems = verify(source, manifest)
    if problems:
        shown = "; ".join(problems[:10])
        raise BackupError(f"the backup does not match its manifest ({len(problems)}): {shown}")
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            empty = _is_empty(connection)
    finally:
        engine.dispose()
    store = open_media_store(settings)
    if not empty or next(store.stored_keys(), None) is not None:
        raise BackupError("restore only into an empty data dir and an empty database")
    _restore_database(manifest, source, settings.database_url)
    for relative in manifest.files:
        if relative.startswith(MEDIA + "/"):
            with (source / relative).open("rb") as original:
                store.put(original)
    if manifest.has_secret:
        # The keyed hashes of residents' addresses were made with this secret.
        secret = settings.data_dir / SECRET
        secret.unlink(missing_ok=True)
        _copy_checked(source / SECRET, secret)
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return manifest
