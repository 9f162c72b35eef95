"""Page geometry, type and box sizes, and the drawing primitives a composed form is made of."""

from __future__ import annotations

from dataclasses import dataclass

from ocr.forms.layout import Rect

PAGE = (210.0, 297.0)
MARK_INSET = 12.0  # mark centre from the paper edge: inside every printer's margin
MARK_SIZE = 6.0
LEFT, RIGHT, TOP, BOTTOM = 18.0, 192.0, 20.0, 270.0
FOOTER_BASELINE = 279.0


@dataclass(frozen=True)
class Style:
    """Type sizes (pt) and box sizes (mm) of one print variant."""

    title: float
    heading: float
    body: float
    small: float
    cell: float
    check: float
    line_gap: float
    qr: float
    min_lines: int


STANDARD = Style(16, 12, 10.5, 9.5, 7.0, 5.0, 9.0, 22.0, 8)
LARGE = Style(24, 20, 16, 16, 10.0, 8.0, 13.0, 28.0, 6)


@dataclass(frozen=True)
class Text:
    """A line of text with its baseline at (x, y), in page millimetres."""

    x: float
    y: float
    text: str
    font: str
    size: float
    centred: bool = False


@dataclass(frozen=True)
class Frame:
    """A stroked rectangle in page millimetres, optionally with an example cross."""

    rect: Rect
    gray: float
    width: float
    cross: bool = False


@dataclass(frozen=True)
class Rule:
    """A straight line in page millimetres."""

    x1: float
    y1: float
    x2: float
    y2: float
    gray: float
    width: float


Op = Text | Frame | Rule
