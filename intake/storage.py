"""Media storage keyed by sha256: put, open (with byte ranges) and delete originals.

A local folder by default; an S3-compatible object store (`intake.objectstore`) when
`INSPRAAK_MEDIA_URL` names one, so that web and worker machines share no disk.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

from intake.errors import SafeError
from intake.files import private_dir

if TYPE_CHECKING:
    from intake.config import Settings

CHUNK = 1 << 16
KEY = re.compile(r"[0-9a-f]{64}")


class MediaNotFoundError(Exception):
    """No original is stored under that key."""


class StorageFullError(SafeError):
    """The media store has no room left (a full disk or an exhausted quota)."""


FULL = (errno.ENOSPC, errno.EDQUOT)


class MediaStore(Protocol):
    """Where originals live; a local folder by default, an object store when scaled out."""

    def put(self, source: BinaryIO) -> tuple[str, int]:
        """Store a stream and return its sha256 key and size."""
        ...

    def put_bytes(self, data: bytes) -> tuple[str, int]:
        """Store bytes held in memory and return their key and size."""
        ...

    def open(self, key: str, start: int = 0, end: int | None = None) -> BinaryIO:
        """Open the bytes from `start` up to `end` (exclusive) of a stored original."""
        ...

    def size(self, key: str) -> int:
        """Return the size of a stored original."""
        ...

    def delete(self, key: str) -> None:
        """Remove a stored original; removing a missing one is not an error."""
        ...

    def stored_keys(self) -> Iterator[str]:
        """Yield the key of every stored original."""
        ...

    def local(self, key: str) -> contextlib.AbstractContextManager[Path]:
        """Lend a file on this machine's disk that holds the original (for OCR, speech)."""
        ...


def open_media_store(settings: Settings) -> MediaStore:
    """Return the store the settings name: the object store, or the data dir's media folder."""
    if settings.media_url is None:
        return LocalMediaStore(settings.media_dir)
    from intake.objectstore import ObjectMediaStore  # boto3 loads only where it is used

    return ObjectMediaStore(settings.media_url, settings.data_dir / "tmp")


def is_key(name: str) -> bool:
    """Tell whether `name` is a media key (a sha256 in lower-case hex)."""
    return KEY.fullmatch(name) is not None


def hashed_copy(source: BinaryIO, folder: Path) -> tuple[Path, str, int]:
    """Copy a stream into a new private, fsynced file in `folder`; return it, its key and size.

    Raise StorageFullError when the disk is full; the partial copy is removed.
    """
    digest = hashlib.sha256()
    size = 0
    # mkstemp makes the file 0600 whatever the umask: it stays so once renamed.
    fd, name = tempfile.mkstemp(dir=private_dir(folder), prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as tmp:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                tmp.write(chunk)
                size += len(chunk)
            tmp.flush()
            os.fsync(tmp.fileno())
    except BaseException as error:
        Path(name).unlink(missing_ok=True)
        if isinstance(error, OSError) and error.errno in FULL:
            raise StorageFullError("disk full: no space left to store media") from None
        raise
    return Path(name), digest.hexdigest(), size


def _sync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LocalMediaStore:
    """Originals in a folder, two levels of sha256 prefix deep."""

    def __init__(self, root: Path) -> None:
        self.root = root
        private_dir(root)

    def path(self, key: str) -> Path:
        """Return where the original with `key` lives on disk."""
        if not is_key(key):
            raise MediaNotFoundError(key)
        return self.root / key[:2] / key[2:4] / key

    def put(self, source: BinaryIO) -> tuple[str, int]:
        """Store a stream; raise StorageFullError when the disk is full."""
        tmp, key, size = hashed_copy(source, self.root)
        try:
            target = self.path(key)
            private_dir(target.parent)
            os.replace(tmp, target)
            # The rename itself must survive a crash before anyone relies on the copy
            # (Twilio's is deleted once ours is committed).
            _sync_dir(target.parent)
        except BaseException as error:
            tmp.unlink(missing_ok=True)
            if isinstance(error, OSError) and error.errno in FULL:
                raise StorageFullError("disk full: no space left to store media") from None
            raise
        return key, size

    def put_bytes(self, data: bytes) -> tuple[str, int]:
        return self.put(io.BytesIO(data))

    def open(self, key: str, start: int = 0, end: int | None = None) -> BinaryIO:
        path = self.path(key)
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            raise MediaNotFoundError(key) from None
        handle.seek(start)
        if end is None:
            return handle
        with handle:
            return io.BytesIO(handle.read(max(0, end - start)))

    def size(self, key: str) -> int:
        try:
            return self.path(key).stat().st_size
        except FileNotFoundError:
            raise MediaNotFoundError(key) from None

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def stored_keys(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for path in sorted(self.root.glob("??/??/*")):
            if is_key(path.name) and path.is_file() and not path.is_symlink():
                yield path.name

    @contextlib.contextmanager
    def local(self, key: str) -> Iterator[Path]:
        path = self.path(key)
        if not path.is_file():
            raise MediaNotFoundError(key)
        yield path
