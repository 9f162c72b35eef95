"""Cut one form's own pages out of a scanned file holding several residents' forms.

Each contribution keeps only its own pages, of the original and of the searchable archive
copy, so erasing one resident's form leaves no trace of it behind the others'.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import pikepdf
from PIL import Image, ImageSequence


class SplitError(Exception):
    """The file cannot be cut into forms (a type that holds only one page)."""


def pdf_pages(source: Path, indexes: Sequence[int]) -> bytes:
    """Return a PDF of the pages at `indexes` (0-based) of `source`, the others left out."""
    keep = set(indexes)
    with pikepdf.open(source) as pdf:
        for index in reversed(range(len(pdf.pages))):
            if index not in keep:
                del pdf.pages[index]
        # Bookmarks could point at (and keep) pages that are gone; scans have none to keep.
        if "/Outlines" in pdf.Root:
            del pdf.Root.Outlines
        pdf.remove_unreferenced_resources()
        out = io.BytesIO()
        # Only what the kept pages reach is written; the same input gives the same bytes.
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def tiff_pages(source: Path, indexes: Sequence[int]) -> bytes:
    """Return a multi-page TIFF of the frames at `indexes` (0-based) of `source`."""
    keep = set(indexes)
    with Image.open(source) as image:
        frames = [
            frame.copy()
            for number, frame in enumerate(ImageSequence.Iterator(image))
            if number in keep
        ]
    if not frames:
        raise SplitError("none of those pages is in the file")
    out = io.BytesIO()
    frames[0].save(
        out, format="TIFF", save_all=True, append_images=frames[1:], compression="tiff_deflate"
    )
    return out.getvalue()


def original_pages(source: Path, media_type: str, indexes: Sequence[int]) -> bytes:
    """Return the pages at `indexes` of a scanned file, in the file's own format."""
    if media_type == "application/pdf":
        return pdf_pages(source, indexes)
    if media_type == "image/tiff":
        return tiff_pages(source, indexes)
    raise SplitError(f"a {media_type} file holds one page")
