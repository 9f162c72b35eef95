"""DejaVu fonts for forms, so Dutch and French accents print and measure correctly."""

from __future__ import annotations

import functools
from pathlib import Path

from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
PT = 25.4 / 72  # millimetres per point


@functools.cache
def register() -> None:
    """Register the DejaVu fonts with reportlab once per process."""
    for name in (REGULAR, BOLD):
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / f"{name}.ttf")))


def wrap(text: str, font: str, size: float, width_mm: float) -> list[str]:
    """Split `text` into lines no wider than `width_mm`, keeping its own line breaks."""
    register()
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(simpleSplit(paragraph, font, size, width_mm / PT) or [""])
    return lines
