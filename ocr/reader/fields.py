"""Cut each field out of a straightened page and read it: boxes by ink, text by OCR words."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image

from ocr.forms.layout import FieldLayout, FormLayout, Rect
from ocr.reader import result as r
from ocr.reader.checkbox import Box, density, ink_mask, read_checkbox, snap
from ocr.reader.hocr import Word, words_to_text
from ocr.reader.letters import LetterRow, read_rows

SNAP_MM = 1.2  # alignment error the box reader tolerates
TEXT_INK_MIN = 0.004  # ink share of a text area above which it holds writing
LOW_CONFIDENCE = 0.6
FRAME_CHARS = "|[]_"


@dataclass(frozen=True)
class PageGrid:
    """Conversion between a layout's millimetres and a straightened page's pixels."""

    layout: FormLayout
    dpi: float

    def box(self, rect: Rect) -> Box:
        """Return `rect` in page pixels."""
        k, (ox, oy) = self.dpi / 25.4, self.layout.origin
        return (
            round((rect.x + ox) * k),
            round((rect.y + oy) * k),
            round((rect.right + ox) * k),
            round((rect.bottom + oy) * k),
        )

    def to_mm(self, x: float, y: float) -> tuple[float, float]:
        """Return a page pixel position in layout millimetres."""
        k, (ox, oy) = self.dpi / 25.4, self.layout.origin
        return (x / k - ox, y / k - oy)


def png(image: Image.Image) -> bytes:
    """Encode a crop as PNG."""
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()


def read_boxes(
    page: Image.Image,
    grid: PageGrid,
    number: int,
    *,
    languages: tuple[str, ...],
    timeout: float,
) -> tuple[dict[str, r.FieldResult], dict[str, float]]:
    """Read check boxes and letter boxes and crop every field; also return text areas' ink."""
    layout = grid.layout
    ink = ink_mask(np.asarray(page))
    reach = round(SNAP_MM / 25.4 * grid.dpi)
    fields: dict[str, r.FieldResult] = {}
    text_ink: dict[str, float] = {}
    rows: list[LetterRow] = []
    crops: dict[str, bytes] = {}
    for spec in layout.fields_on(number):
        crops[spec.name] = png(page.crop(grid.box(spec.area)))
        if spec.kind == "checkbox":
            reading = read_checkbox(ink, grid.box(spec.cells[0]), reach)
            fields[spec.name] = r.FieldResult(
                "checkbox",
                "",
                reading.confidence,
                reading.checked,
                reading.unsure,
                crops[spec.name],
                spec.personal,
                grid.box(spec.area),
            )
        elif spec.kind == "choice":
            fields[spec.name] = _choice(spec, grid, ink, reach, crops[spec.name])
        elif spec.kind == "letters":
            rows.append(_letter_row(spec, grid, ink, reach))
        else:
            text_ink[spec.name] = density(ink, _shrink(grid.box(spec.area), reach * 2))
            fields[spec.name] = r.FieldResult(
                "text", "", 1.0, None, False, crops[spec.name], spec.personal, grid.box(spec.area)
            )
    readings = read_rows(page, ink, rows, languages=languages, dpi=grid.dpi, timeout=timeout)
    specs = {spec.name: spec for spec in layout.fields_on(number)}
    for name, letters in readings.items():
        unsure = letters.confidence < LOW_CONFIDENCE  # also ink that gave no letters
        spec = specs[name]
        fields[name] = r.FieldResult(
            "letters",
            letters.text,
            letters.confidence,
            None,
            unsure,
            crops[name],
            spec.personal,
            grid.box(spec.area),
        )
    return fields, text_ink


def _choice(
    spec: FieldLayout, grid: PageGrid, ink: np.ndarray, reach: int, crop: bytes
) -> r.FieldResult:
    """Read every option box of a closed question; the text is the one option ticked."""
    assert spec.choice is not None
    readings = [read_checkbox(ink, grid.box(cell), reach) for cell in spec.cells]
    ticks = tuple(
        r.OptionTick(option, reading.density, reading.checked, reading.unsure)
        for option, reading in zip(spec.choice.options, readings, strict=True)
    )
    result = r.FieldResult(
        "choice",
        "",
        min(reading.confidence for reading in readings),
        None,
        False,
        crop,
        spec.personal,
        grid.box(spec.area),
        spec.choice,
        ticks,
    )
    ticked = result.ticked
    return replace(result, text=ticked.option if ticked else "", unsure=result.problem is not None)


def _letter_row(spec: FieldLayout, grid: PageGrid, ink: np.ndarray, reach: int) -> LetterRow:
    """Snap the whole row of boxes at once: its outline is stronger than one box's."""
    first, last = grid.box(spec.cells[0]), grid.box(spec.cells[-1])
    row = (first[0], first[1], last[2], last[3])
    snapped = snap(ink, row, reach)
    dx, dy = snapped[0] - row[0], snapped[1] - row[1]
    boxes = tuple(
        (x0 + dx, y0 + dy, x1 + dx, y1 + dy) for x0, y0, x1, y1 in map(grid.box, spec.cells)
    )
    return LetterRow(spec.name, boxes, digits=spec.name == "postcode")


def _shrink(box: Box, by: int) -> Box:
    """Return `box` shrunk by `by` pixels on every side."""
    x0, y0, x1, y1 = box
    return (x0 + by, y0 + by, x1 - by, y1 - by)


def fill_text(
    fields: dict[str, r.FieldResult],
    grid: PageGrid,
    number: int,
    words: tuple[Word, ...],
    text_ink: dict[str, float],
) -> dict[str, r.FieldResult]:
    """Give each text field the OCR words whose centre falls inside it."""
    out = dict(fields)
    for spec in grid.layout.fields_on(number):
        if spec.kind != "text":
            continue
        # A lone "|" or "_" is the printed frame or a writing line, read as text.
        mine = [
            w
            for w in words
            if spec.area.contains(*grid.to_mm(*w.centre)) and w.text.strip(FRAME_CHARS)
        ]
        letters = sum(len(w.text) for w in mine)
        confidence = sum(w.confidence * len(w.text) for w in mine) / letters if letters else 1.0
        if not mine and text_ink.get(spec.name, 0.0) > TEXT_INK_MIN:
            confidence = 0.0  # ink but no words: handwriting Tesseract could not read
        out[spec.name] = r.FieldResult(
            "text",
            words_to_text(mine),
            confidence,
            None,
            confidence < LOW_CONFIDENCE,
            fields[spec.name].crop_png,
            spec.personal,
            fields[spec.name].box,
        )
    return out


def page_reasons(fields: dict[str, r.FieldResult]) -> list[str]:
    """Return why a person should look at these fields, if at all (the most telling first)."""
    found = {f.problem for f in fields.values() if f.kind == "choice"}
    if any(f.kind == "checkbox" and f.unsure for f in fields.values()):
        found.add(r.UNSURE_CHECKBOX)
    if any(f.kind in ("text", "letters") and f.unsure for f in fields.values()):
        found.add(r.LOW_CONFIDENCE)
    return [reason for reason in r.FIELD_REASONS if reason in found]
