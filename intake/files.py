"""Files and folders only the service user may read: residents' data, whatever the umask.

Modes are set explicitly where Inspraak creates something (the data dir, media, the database,
exports, the secret), and the process umask is narrowed at start-up for what libraries create
on our behalf (SQLite's log files, temporary files of OCR and audio decoding).
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_UMASK = 0o077
FILE_MODE = 0o600
DIR_MODE = 0o700


def private_umask() -> None:
    """Make whatever this process creates from now on private to the service user."""
    os.umask(PRIVATE_UMASK)


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) with mode 0700; an existing folder is left alone."""
    missing = []
    current = path
    while not current.exists():
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        os.chmod(folder, DIR_MODE)  # mkdir's mode is narrowed by the umask, never widened
    return path


def create_private(path: Path, *, exclusive: bool = False) -> int:
    """Open `path` for writing (emptied, or only if new when `exclusive`), with mode 0600."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    return fd


def write_private_text(path: Path, text: str) -> None:
    """Write `text` (UTF-8) to `path`, private to the service user."""
    with os.fdopen(create_private(path), "w", encoding="utf-8") as out:
        out.write(text)
