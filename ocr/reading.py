"""Read a stored scan against the printed forms' stored layouts, in the data dir's work area."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from intake.runtime import Runtime
from ocr.forms import FormLayout, PageId
from ocr.printed import stored_layout
from ocr.reader import ScanResult, read_scan


def layout_lookup(runtime: Runtime) -> Callable[[PageId], FormLayout | None]:
    """Return a lookup from a page's QR identity to its printed layout, by short reads."""

    # Each lookup is its own read: a job holds no database transaction while OCR runs.
    def lookup(page: PageId) -> FormLayout | None:
        with runtime.db.session(write=False) as session:
            return stored_layout(session, page)

    return lookup


@contextmanager
def reading(runtime: Runtime, path: Path) -> Iterator[ScanResult]:
    """Read `path` and remove the work files (the archive copy too) afterwards."""
    workdir = runtime.settings.data_dir / "ocr-work"
    result = read_scan(path, workdir=workdir, layouts=layout_lookup(runtime))
    try:
        yield result
    finally:
        shutil.rmtree(result.archive_pdf.parent, ignore_errors=True)
