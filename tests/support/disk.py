"""A real full disk for tests: a tiny tmpfs mounted on a folder (needs root, as on CI)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def tiny_disk(folder: Path, size: str = "64k") -> Iterator[Path]:
    """Mount a tmpfs of `size` on `folder` (made if needed) for the block; skip without root."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        yield folder
    finally:
        # Lazy: the runtime's SQLite write-turn lock file stays open until the process ends.
        subprocess.run(["umount", "--lazy", str(folder)], check=True)
