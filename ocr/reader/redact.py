"""Cover the fields that say who filled in a form, so its page can be shown to any staff.

The page image beside a contribution is what every colleague sees; the name a resident
wrote on it is personal data that only the audited view may show. A printed form knows
where its personal fields are, so an aligned page gets those areas painted over. A page
without a layout (no QR code, an unknown form) cannot be covered and is kept as it is.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from PIL import Image, ImageColor, ImageDraw

from ocr.forms.layout import FieldLayout
from ocr.reader.checkbox import Box

# Wider than the alignment error and the ink that strays over a box's frame.
MARGIN_MM = 3.0
# A flat grey reads as "covered" without the ink of a black bar.
COVER = "#9a9a9a"
JPEG_QUALITY = 85


def personal_fields(fields: Iterable[FieldLayout]) -> list[FieldLayout]:
    """Return the fields of a page that hold a name or a contact."""
    return [spec for spec in fields if spec.personal]


def cover(jpeg: bytes, boxes: Iterable[Box], dpi: float) -> bytes:
    """Return the page image with each box, widened by a margin, painted over."""
    with Image.open(io.BytesIO(jpeg)) as opened:
        image = opened.copy()
    margin = round(MARGIN_MM / 25.4 * dpi)
    paint = ImageDraw.Draw(image)
    colour = ImageColor.getcolor(COVER, image.mode)
    for x0, y0, x1, y1 in boxes:
        paint.rectangle((x0 - margin, y0 - margin, x1 + margin, y1 + margin), fill=colour)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=JPEG_QUALITY, dpi=(round(dpi), round(dpi)))
    return out.getvalue()
