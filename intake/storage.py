"""Media storage keyed by sha256: put, open (with byte ranges) and delete originals."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from intake.errors import SafeError
from intake.files import private_dir

CHUNK = 1 << 16


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

    def open(self, key: str, start: int = 0, end: int | None = None) -> BinaryIO:
        """Open the bytes from `start` up to `end` (exclusive) of a stored original."""
        ...

    def size(self, key: str) -> int:
        """Return the size of a stored original."""
        ...

    def delete(self, key: str) -> None:
        """Remove a stored original; removing a missing one is not an error."""
        ...


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
        if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
            raise MediaNotFoundError(key)
        return self.root / key[:2] / key[2:4] / key

    def put(self, source: BinaryIO) -> tuple[str, int]:
        """Store a stream; raise StorageFullError when the disk is full."""
        try:
            return self._put(source)
        except OSError as error:
            if error.errno in FULL:
                raise StorageFullError("disk full: no space left to store media") from None
            raise

    def _put(self, source: BinaryIO) -> tuple[str, int]:
        digest = hashlib.sha256()
        size = 0
        # mkstemp makes the file 0600 whatever the umask: it stays so once renamed.
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as tmp:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    tmp.write(chunk)
                    size += len(chunk)
                tmp.flush()
                os.fsync(tmp.fileno())
            key = digest.hexdigest()
            target = self.path(key)
            private_dir(target.parent)
            os.replace(tmp_name, target)
            # The rename itself must survive a crash before anyone relies on the copy
            # (Twilio's is deleted once ours is committed).
            _sync_dir(target.parent)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        return key, size

    def put_bytes(self, data: bytes) -> tuple[str, int]:
        """Store bytes held in memory and return their key and size."""
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
