"""Read block capitals written one per box, all rows of a page in one Tesseract call."""

from __future__ import annotations

import csv
import io
import os
import subprocess
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from PIL import Image

from ocr.reader.checkbox import Box, density, inside

EMPTY_MAX = 0.02  # ink share of a box that only caught a speck
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ-'"
DIGITS = "0123456789"
# Look-alikes Tesseract may pick when the field only allows the other kind.
TO_DIGIT = str.maketrans(
    {
        "O": "0",
        "D": "0",
        "Q": "0",
        "I": "1",
        "L": "1",
        "Z": "2",
        "S": "5",
        "B": "8",
        "G": "6",
        "T": "7",
    }
)
TO_LETTER = str.maketrans({"0": "O", "1": "I", "2": "Z", "5": "S", "8": "B", "6": "G", "7": "T"})
LETTER_GAP = 0.12  # space between letters in the strip, as a share of a box's height
PAD = 40


@dataclass(frozen=True)
class LetterRow:
    """A row of letter boxes to read: field name, boxes in page pixels, digits only or not."""

    name: str
    boxes: tuple[Box, ...]
    digits: bool


class TsvWord(NamedTuple):
    """A word of Tesseract's TSV output: text, vertical extent, left edge, confidence 0..1."""

    text: str
    top: int
    bottom: int
    left: int
    confidence: float


@dataclass(frozen=True)
class LetterReading:
    """The text read from a row of boxes and how sure Tesseract was."""

    text: str
    confidence: float


def read_rows(
    page: Image.Image,
    ink: np.ndarray,
    rows: list[LetterRow],
    *,
    languages: tuple[str, ...],
    dpi: float,
    timeout: float,
) -> dict[str, LetterReading]:
    """Read every row; rows with only empty boxes are not sent to Tesseract."""
    filled = {
        row.name: [density(ink, inside(b, 0.14)) > EMPTY_MAX for b in row.boxes] for row in rows
    }
    todo = [row for row in rows if any(filled[row.name])]
    readings = {row.name: LetterReading("", 1.0) for row in rows if row not in todo}
    if not todo:
        return readings
    strip, bands = _compose(page, ink, todo, filled)
    words = _tesseract(strip, languages, dpi, timeout)
    for row, (top, bottom) in zip(todo, bands, strict=True):
        mine = [w for w in words if top <= (w.top + w.bottom) / 2 <= bottom]
        readings[row.name] = _assemble(row, filled[row.name], mine)
    return readings


def _compose(
    page: Image.Image, ink: np.ndarray, rows: list[LetterRow], filled: dict[str, list[bool]]
) -> tuple[Image.Image, list[tuple[int, int]]]:
    """Set each box's letter, cut tight and without the box, as a normally spaced text line."""
    pieces: list[tuple[int, int, Image.Image]] = []
    bands: list[tuple[int, int]] = []
    height = max(b[3] - b[1] for row in rows for b in row.boxes)
    y, width = PAD, 0
    for row in rows:
        x = PAD
        for box, has_ink in zip(row.boxes, filled[row.name], strict=True):
            if not has_ink:
                x += height  # an empty box is a word space
                continue
            glyph = _glyph(ink, inside(box, 0.1))
            piece = page.crop(glyph)
            top = y + (height - piece.height) // 2
            pieces.append((x, top, piece))
            x += piece.width + round(height * LETTER_GAP)
        bands.append((y, y + height))
        width = max(width, x + PAD)
        y += height * 2  # a blank line between rows keeps Tesseract from merging them
    strip = Image.new("L", (width, y + PAD), 255)
    for x, top, piece in pieces:
        strip.paste(piece, (x, top))
    return strip, bands


def _glyph(ink: np.ndarray, box: Box) -> Box:
    """Return the bounding box of the ink inside `box`, with a little margin."""
    x0, y0, x1, y1 = box
    ys, xs = np.nonzero(ink[y0:y1, x0:x1])
    if len(xs) == 0:
        return box
    m = 3
    return (
        max(x0, x0 + int(xs.min()) - m),
        max(y0, y0 + int(ys.min()) - m),
        min(x1, x0 + int(xs.max()) + m + 1),
        min(y1, y0 + int(ys.max()) + m + 1),
    )


def _tesseract(
    image: Image.Image, languages: tuple[str, ...], dpi: float, timeout: float
) -> list[TsvWord]:
    """Run Tesseract on the strip; return (text, top, bottom, left, confidence) per word."""
    png = io.BytesIO()
    image.save(png, format="PNG", dpi=(dpi, dpi))
    command = [
        "tesseract",
        "stdin",
        "stdout",
        "-l",
        "+".join(languages),
        "--psm",
        "6",
        "tsv",
    ]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            command,
            input=png.getvalue(),
            capture_output=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return []
    words = []
    reader = csv.DictReader(
        io.StringIO(done.stdout.decode("utf-8", "replace")), delimiter="\t", quoting=csv.QUOTE_NONE
    )
    for entry in reader:
        text = (entry.get("text") or "").strip()
        if entry.get("level") == "5" and text:
            top, height = int(entry["top"]), int(entry["height"])
            conf = float(entry["conf"]) / 100
            words.append(TsvWord(text, top, top + height, int(entry["left"]), conf))
    return words


def _assemble(row: LetterRow, filled: list[bool], words: list[TsvWord]) -> LetterReading:
    """Put recognised characters back into the filled boxes, spaces where boxes are empty."""
    words = sorted(words, key=lambda w: w.left)
    # No whitelist: in Tesseract 5 it breaks word spacing and zeroes confidences.
    chars = "".join(c for c in "".join(w.text for w in words).upper() if c in LETTERS + DIGITS)
    chars = chars.translate(TO_DIGIT) if row.digits else chars.translate(TO_LETTER)
    confidence = min((w.confidence for w in words), default=0.0)
    if len(chars) != sum(filled):
        # Fewer or more characters than filled boxes: keep what was read, but doubt it.
        return LetterReading(" ".join(w.text.upper() for w in words), min(confidence, 0.4))
    out, it = [], iter(chars)
    for has_ink in filled:
        out.append(next(it) if has_ink else " ")
    return LetterReading(" ".join("".join(out).split()), confidence)
