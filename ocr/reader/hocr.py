"""Words, positions and confidences from Tesseract's hOCR output."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

_BBOX = re.compile(r"bbox (-?\d+) (-?\d+) (-?\d+) (-?\d+)")
_CONF = re.compile(r"x_wconf (\d+)")


@dataclass(frozen=True)
class Word:
    """One recognised word: text, pixel box (x0, y0, x1, y1), confidence 0..1, line number."""

    text: str
    box: tuple[float, float, float, float]
    confidence: float
    line: int

    @property
    def centre(self) -> tuple[float, float]:
        """Return the centre of the word's box."""
        x0, y0, x1, y1 = self.box
        return ((x0 + x1) / 2, (y0 + y1) / 2)


@dataclass(frozen=True)
class HocrPage:
    """The words of one page and the size of the image Tesseract saw."""

    size: tuple[int, int]
    words: tuple[Word, ...]

    def text(self) -> str:
        """Return the page as plain text, one recognised line per line."""
        return words_to_text(self.words)


def words_to_text(words: tuple[Word, ...] | list[Word]) -> str:
    """Join words into lines in reading order."""
    lines: dict[int, list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    return "\n".join(
        " ".join(w.text for w in sorted(line, key=lambda w: w.box[0]))
        for _, line in sorted(lines.items())
    )


def parse_hocr(path: Path) -> HocrPage:
    """Parse one page of hOCR; an unreadable file counts as a page without words."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return HocrPage((0, 0), ())
    size = (0, 0)
    words: list[Word] = []
    line_number = 0
    for element in root.iter():
        cls = element.get("class", "")
        title = element.get("title", "")
        if cls == "ocr_page":
            box = _BBOX.search(title)
            size = (int(box.group(3)), int(box.group(4))) if box else size
        elif cls in ("ocr_line", "ocr_caption", "ocr_header", "ocr_textfloat"):
            line_number += 1
        elif cls == "ocrx_word":
            text = "".join(element.itertext()).strip()
            box = _BBOX.search(title)
            conf = _CONF.search(title)
            if text and box:
                coords = tuple(float(v) for v in box.groups())
                confidence = int(conf.group(1)) / 100 if conf else 0.0
                words.append(Word(text, coords, confidence, line_number))  # type: ignore[arg-type]
    return HocrPage(size, tuple(words))


def rotate_back(page: HocrPage, rotation: int) -> HocrPage:
    """Map words from an image OCRmyPDF turned by `rotation` degrees clockwise back."""
    rotation %= 360
    if rotation == 0:
        return page
    w, h = page.size
    turned: list[Word] = []
    for word in page.words:
        x0, y0, x1, y1 = word.box
        if rotation == 90:  # shown (u, v) came from (v, w - u), w being the shown width
            box = (y0, w - x1, y1, w - x0)
        elif rotation == 180:
            box = (w - x1, h - y1, w - x0, h - y0)
        else:
            box = (h - y1, x0, h - y0, x1)
        turned.append(Word(word.text, box, word.confidence, word.line))
    size = (h, w) if rotation in (90, 270) else (w, h)
    return HocrPage(size, tuple(turned))
