"""Fill printed Inspraak forms like a resident would, and scan or photograph them."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

from intake.questions import paper_field
from ocr.forms import FormLayout, FormSpec, Rect
from ocr.reader import ScanResult

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
HANDWRITING = Path("/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf")
PEN = (25, 35, 120)
DRAW_DPI = 300


@dataclass
class Filling:
    """What a resident writes on a form."""

    answer: str = ""
    name: str = ""
    postcode: str = ""
    ticks: set[str] = field(default_factory=set)  # check boxes, and options (`option()`)
    font: Path = DEJAVU
    letter_font: Path = DEJAVU_BOLD
    strays: set[str] = field(default_factory=set)  # boxes touched by a stray pen stroke
    scribble: bool = False  # an answer in a hand no OCR reads


@dataclass(frozen=True)
class Printed:
    """A form as printed: its spec, variant, layout and PDF."""

    spec: FormSpec
    large_print: bool
    layout: FormLayout
    pdf: bytes


@dataclass
class Case:
    """One scanned file, what was written on each form in it, and what reading it gave."""

    name: str
    path: Path
    expected: list[tuple[Printed | None, Filling | None]]
    result: ScanResult | None = None


def render_pages(pdf: bytes, dpi: int = DRAW_DPI) -> list[Image.Image]:
    """Rasterise a PDF's pages in colour, as a printer would put them on paper."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.render(scale=dpi / 72).to_pil().convert("RGB") for page in document]
    finally:
        document.close()


def fill(pdf: bytes, layout: FormLayout, filling: Filling, seed: int = 0) -> list[Image.Image]:
    """Print the form and write `filling` into its fields with a blue pen."""
    rng = random.Random(seed)
    pages = render_pages(pdf)
    px = DRAW_DPI / 25.4
    ox, oy = layout.origin

    def box(rect: Rect) -> tuple[float, float, float, float]:
        """Return a field rectangle in drawing pixels."""
        return (
            (rect.x + ox) * px,
            (rect.y + oy) * px,
            (rect.right + ox) * px,
            (rect.bottom + oy) * px,
        )

    answer_lines = filling.answer.split("\n") if filling.answer else []
    for spec in layout.fields:
        draw = ImageDraw.Draw(pages[spec.page - 1])
        if spec.kind == "checkbox" and spec.name in filling.ticks:
            _cross(draw, box(spec.cells[0]), rng)
        elif spec.kind == "choice" and spec.choice is not None:
            for option, cell in zip(spec.choice.options, spec.cells, strict=True):
                if option_tick(spec.choice.key, option) in filling.ticks:
                    _cross(draw, box(cell), rng)
        elif spec.kind == "checkbox" and spec.name in filling.strays:
            x0, y0, x1, y1 = box(spec.cells[0])
            w = x1 - x0
            draw.line([(x0 + w * 0.3, y0 + w * 0.5), (x0 + w * 0.62, y0 + w * 0.45)], PEN, 4)
        elif spec.kind == "text" and filling.scribble and spec.page == 1:
            _scribble(draw, box(spec.area), rng)
        elif spec.kind == "letters":
            text = filling.name if spec.name == "name" else filling.postcode
            _letters(draw, [box(c) for c in spec.cells], text.upper(), filling.letter_font, rng)
        elif spec.kind == "text" and answer_lines:
            answer_lines = _write(draw, box(spec.area), answer_lines, filling.font, layout, rng)
    return pages


def option_tick(question: str, option: str) -> str:
    """Name the box of `option` ("1", "2", …) of closed question `question`, for `ticks`."""
    return f"{paper_field(question)}={option}"


def _cross(draw: ImageDraw.ImageDraw, cell: tuple[float, ...], rng: random.Random) -> None:
    """Tick a box with two pen strokes."""
    x0, y0, x1, y1 = cell
    m = (x1 - x0) * 0.12
    width = rng.randint(4, 7)
    j = lambda: rng.uniform(-m / 2, m / 2)  # noqa: E731 - a pen's wobble
    draw.line([(x0 + m + j(), y0 + m + j()), (x1 - m + j(), y1 - m + j())], fill=PEN, width=width)
    draw.line([(x0 + m + j(), y1 - m + j()), (x1 - m + j(), y0 + m + j())], fill=PEN, width=width)


def _scribble(draw: ImageDraw.ImageDraw, area: tuple[float, ...], rng: random.Random) -> None:
    """Fill the first lines with loops and waves, like hurried joined-up writing."""
    x0, y0, x1, _y1 = area
    for line in range(3):
        base = y0 + 95 + line * 106
        points = []
        x = x0 + 40
        while x < x1 - 200:
            points.append((x, base - rng.uniform(0, 45)))
            x += rng.uniform(8, 22)
        draw.line(points, fill=PEN, width=4, joint="curve")


def _letters(
    draw: ImageDraw.ImageDraw,
    cells: list[tuple[float, ...]],
    text: str,
    font_path: Path,
    rng: random.Random,
) -> None:
    """Write one capital per letter box."""
    for cell, char in zip(cells, text, strict=False):
        if char == " ":
            continue
        x0, y0, x1, y1 = cell
        font = ImageFont.truetype(str(font_path), round((y1 - y0) * 0.62))
        cx = (x0 + x1) / 2 + rng.uniform(-2, 2)
        cy = (y0 + y1) / 2 + rng.uniform(-2, 2)
        draw.text((cx, cy), char, font=font, fill=PEN, anchor="mm")


def _write(
    draw: ImageDraw.ImageDraw,
    area: tuple[float, ...],
    lines: list[str],
    font_path: Path,
    layout: FormLayout,
    rng: random.Random,
) -> list[str]:
    """Write lines on the printed writing lines; return the lines that did not fit."""
    gap = (13.0 if layout.large_print else 9.0) * DRAW_DPI / 25.4
    font = ImageFont.truetype(str(font_path), round(gap * 0.5))
    x0, y0, _x1, y1 = area
    baseline = y0 + gap - 0.12 * gap
    while lines and baseline < y1:
        draw.text(
            (x0 + 40 + rng.uniform(0, 10), baseline), lines.pop(0), font=font, fill=PEN, anchor="ls"
        )
        baseline += gap
    return lines


def edit_distance(a: str, b: str) -> int:
    """Return the Levenshtein distance between two strings."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def accuracy(expected: str, got: str) -> float:
    """Return the character accuracy 1 - distance/length, ignoring case and spacing runs."""
    want, have = " ".join(expected.split()).upper(), " ".join(got.split()).upper()
    if not want:
        return 1.0 if not have else 0.0
    return max(0.0, 1 - edit_distance(want, have) / len(want))


def png_image(data: bytes) -> Image.Image:
    """Decode PNG bytes, failing the test when they are not a PNG."""
    assert data.startswith(b"\x89PNG"), "not a PNG"
    return Image.open(io.BytesIO(data))
