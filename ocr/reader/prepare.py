"""Turn each input page into a clean greyscale page image ready for OCR."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from ocr.forms.layout import FormLayout
from ocr.forms.spec import PageId
from ocr.reader import align
from ocr.reader import result as r
from ocr.reader.clean import flatten
from ocr.reader.load import SourcePage

A4_LONG_INCHES = 297 / 25.4
MAX_OCR_DPI = 400  # a 48-megapixel photo gains nothing over this but OCR time
LayoutLookup = Callable[[PageId], FormLayout | None]


@dataclass(frozen=True)
class PreparedPage:
    """A page ready for OCR: identity, layout (when aligned), image and problems so far.

    `pixels` is where an aligned page's lossless pixels wait for the field reader.
    """

    index: int
    qr: PageId | None
    layout: FormLayout | None
    dpi: float
    pixels: Path | None
    jpeg: bytes
    reasons: tuple[str, ...]

    @property
    def aligned(self) -> bool:
        """Tell whether the page was straightened onto its layout."""
        return self.layout is not None


def prepare(page: SourcePage, index: int, lookup: LayoutLookup, folder: Path) -> PreparedPage:
    """Straighten a form page onto its layout, or clean up any other page as it is."""
    hit = align.find_qr(page.image)
    layout = lookup(hit.page_id) if hit else None
    reasons: list[str] = []
    if hit is None:
        reasons.append(r.NO_QR)
    elif layout is None or layout.key != hit.page_id.form_key:
        layout = None
        reasons.append(r.UNKNOWN_FORM)
    if layout is not None and hit is not None:
        fit = align.alignment(page.image, hit, layout)
        if fit.marks_used < 3:
            reasons.append(r.MARKS_MISSING)
        dpi = float(align.straight_dpi(fit, layout))
        image = flatten(align.rectify(page.image, fit, layout, dpi), dpi)
    else:
        image, dpi = _as_is(page)
    pixels = None
    if layout is not None:
        pixels = folder / f"page-{index + 1:04d}.npy"
        np.save(pixels, np.asarray(image))  # raw: ten times faster than PNG, read back once
    jpeg = io.BytesIO()
    # One JPEG serves as OCR input, archive image and page image: a flattened page has
    # little noise left, so it stays small without visible loss.
    image.save(jpeg, format="JPEG", quality=85, dpi=(round(dpi), round(dpi)))
    return PreparedPage(
        index, hit.page_id if hit else None, layout, dpi, pixels, jpeg.getvalue(), tuple(reasons)
    )


def load_pixels(page: PreparedPage) -> Image.Image:
    """Read back an aligned page's lossless pixels."""
    assert page.pixels is not None
    return Image.fromarray(np.load(page.pixels))


def _as_is(page: SourcePage) -> tuple[Image.Image, float]:
    """Flatten a page that has no layout, guessing its dpi as A4 when the file does not say."""
    image = page.image
    dpi = page.dpi or max(image.size) / A4_LONG_INCHES
    if dpi > MAX_OCR_DPI:
        factor = align.MAX_DPI / dpi
        image = image.resize(
            (round(image.width * factor), round(image.height * factor)), Image.Resampling.LANCZOS
        )
        dpi = float(align.MAX_DPI)
    return flatten(image, dpi), dpi
