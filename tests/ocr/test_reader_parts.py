"""The reader's parts on small, exactly known inputs."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image, ImageDraw

from ocr.forms import PageId
from ocr.forms.layout import ChoiceLayout
from ocr.reader import geometry
from ocr.reader import result as r
from ocr.reader.checkbox import ink_mask, read_checkbox, snap
from ocr.reader.fields import page_reasons
from ocr.reader.group import group_pages
from ocr.reader.hocr import HocrPage, Word, rotate_back
from ocr.reader.letters import LetterRow, TsvWord, _assemble
from ocr.reader.result import FieldResult, OptionTick, PageRead

SIDE = 60  # a 5 mm box at 300 dpi
Box = tuple[int, int, int, int]
Marker = Callable[[ImageDraw.ImageDraw, Box], object]


def box_page(draw_inside: Marker) -> tuple[np.ndarray, Box]:
    """Draw a printed check box on white paper, let `draw_inside` mark it, return ink."""
    image = Image.new("L", (200, 200), 255)
    draw = ImageDraw.Draw(image)
    box = (70, 70, 70 + SIDE, 70 + SIDE)
    draw.rectangle(box, outline=0, width=4)
    draw_inside(draw, box)
    return ink_mask(np.asarray(image)), box


def cross(width: int) -> Marker:
    """Return a marker that ticks a box with a cross of pen `width`."""

    def mark(draw: ImageDraw.ImageDraw, box: Box) -> None:
        x0, y0, x1, y1 = box
        draw.line([(x0 + 8, y0 + 8), (x1 - 8, y1 - 8)], fill=0, width=width)
        draw.line([(x0 + 8, y1 - 8), (x1 - 8, y0 + 8)], fill=0, width=width)

    return mark


@pytest.mark.parametrize(
    ("mark", "checked", "unsure"),
    [
        (lambda d, b: None, False, False),
        (
            lambda d, b: d.ellipse((b[0] + 28, b[1] + 28, b[0] + 31, b[1] + 31), fill=0),
            False,
            False,
        ),
        (cross(3), True, False),
        (cross(7), True, False),
        (
            lambda d, b: d.line((b[0] + 18, b[1] + 30, b[0] + 40, b[1] + 30), fill=0, width=3),
            False,
            True,
        ),
        (lambda d, b: d.rectangle((b[0] + 4, b[1] + 4, b[2] - 4, b[3] - 4), fill=0), True, True),
    ],
    ids=["empty", "speck", "thin-cross", "bold-cross", "stray-stroke", "blacked-out"],
)
def test_check_box_reading(mark: Marker, checked: bool, unsure: bool) -> None:
    ink, box = box_page(mark)
    reading = read_checkbox(ink, box, reach=12)
    assert (reading.checked, reading.unsure) == (checked, unsure), reading.density


def test_snap_finds_a_box_printed_off_position() -> None:
    ink, box = box_page(lambda d, b: None)
    shifted = (box[0] - 7, box[1] + 5, box[2] - 7, box[3] + 5)
    assert snap(ink, shifted, reach=12) == box


def test_homography_recovers_a_perspective() -> None:
    truth = np.array([[1.1, 0.05, 30], [-0.03, 0.95, 12], [1e-4, -2e-4, 1]])
    src = [(0, 0), (100, 0), (100, 150), (0, 150), (50, 75)]
    dst = geometry.apply(truth, src)
    fitted = geometry.fit_homography(src, dst)
    assert np.allclose(geometry.apply(fitted, [(20, 130)]), geometry.apply(truth, [(20, 130)]))


def test_rotated_ocr_words_map_back() -> None:
    size = (100, 200)
    word = Word("plein", (10, 20, 40, 30), 0.9, 1)
    for rotation in (90, 180, 270):
        x0, y0, x1, y1 = word.box
        w, h = size
        shown = {
            90: (h - y1, x0, h - y0, x1),
            180: (w - x1, h - y1, w - x0, h - y0),
            270: (y0, w - x1, y1, w - x0),
        }[rotation]
        shown_size = (h, w) if rotation in (90, 270) else (w, h)
        page = HocrPage(shown_size, (Word("plein", shown, 0.9, 1),))
        back = rotate_back(page, rotation)
        assert back.size == size and back.words[0].box == word.box


def test_letters_go_back_into_their_boxes() -> None:
    row = LetterRow("name", tuple((i, 0, i + 1, 1) for i in range(8)), digits=False)
    filled = [True, True, False, True, True, True, False, False]
    words = [TsvWord("PE0", 0, 10, 50, 0.8), TsvWord("AN", 0, 10, 0, 0.9)]
    assert _assemble(row, filled, words).text == "AN PEO"
    postcode = LetterRow("postcode", tuple((i, 0, i + 1, 1) for i in range(4)), digits=True)
    assert _assemble(postcode, [True] * 4, [TsvWord("9O6O", 0, 10, 0, 0.9)]).text == "9060"
    doubtful = _assemble(postcode, [True] * 4, [TsvWord("90", 0, 10, 0, 0.9)])
    assert doubtful.confidence <= 0.4
    assert _assemble(postcode, [True] * 4, []).confidence == 0.0  # ink, but nothing read


def page(index: int, page_id: PageId | None, reasons: list[str] | None = None) -> PageRead:
    fields = {"answer": FieldResult("text", f"tekst {index}", 0.9, None, False, b"")}
    return PageRead(index, page_id, fields, b"", f"pagina {index}", reasons or [])


def test_pages_are_grouped_into_forms() -> None:
    a = [PageId("park", 1, "nl", False, n, 2) for n in (1, 2)]
    b = PageId("bieb", 2, "fr", True, 1, 1)
    pages = [
        page(0, a[1]),  # pages of one form scanned in reverse order
        page(1, a[0]),
        page(2, a[0]),  # a second copy of the same form, missing its page 2
        page(3, None, ["no_qr"]),
        page(4, None, ["no_qr"]),
        page(5, b),
    ]
    forms = group_pages(pages)
    assert [[p.index for p in f.pages] for f in forms] == [[1, 0], [2], [3, 4], [5]]
    assert forms[0].qr == a[0] and forms[0].reasons == []
    assert forms[0].fields["answer"].text == "tekst 1\ntekst 0"
    assert forms[1].reasons == ["missing_pages"]
    assert forms[2].qr is None and forms[2].reasons == ["no_qr"]
    assert forms[2].text == "pagina 3\fpagina 4"


def _question(*ticks: tuple[float, bool, bool], required: bool = False) -> FieldResult:
    """Return a closed question read with its boxes as (fill, checked, unsure)."""
    options = tuple(str(n) for n in range(1, len(ticks) + 1))
    read = tuple(OptionTick(o, *t) for o, t in zip(options, ticks, strict=True))
    choice = ChoiceLayout(7, "often", 1, options, required)
    return FieldResult("choice", "", 0.9, None, False, b"", choice=choice, ticks=read)


EMPTY, TICKED, FAINT = (0.01, False, False), (0.3, True, False), (0.05, False, True)


@pytest.mark.parametrize(
    ("boxes", "required", "ticked", "problem"),
    [
        ((EMPTY, TICKED, EMPTY), False, "2", None),
        ((EMPTY, EMPTY, EMPTY), False, None, None),
        ((EMPTY, EMPTY, EMPTY), True, None, r.QUESTION_UNANSWERED),
        ((TICKED, TICKED, EMPTY), False, None, r.SEVERAL_TICKED),
        ((TICKED, FAINT, EMPTY), False, None, r.UNSURE_CHECKBOX),
    ],
)
def test_a_closed_question_is_answered_only_by_one_clear_tick(
    boxes: tuple[tuple[float, bool, bool], ...],
    required: bool,
    ticked: str | None,
    problem: str | None,
) -> None:
    question = _question(*boxes, required=required)
    assert (question.ticked.option if question.ticked else None) == ticked
    assert question.problem == problem


def test_a_question_ticked_twice_is_the_first_reason_even_on_a_later_page() -> None:
    doubtful = FieldResult("text", "iets", 0.2, None, True, b"")
    twice = _question(TICKED, TICKED)
    assert page_reasons({"answer": doubtful, "question:often": twice}) == [
        r.SEVERAL_TICKED,
        r.LOW_CONFIDENCE,
    ]
    pages = [
        PageRead(i, PageId("park", 1, "nl", False, i + 1, 2), {}, b"", "", reasons)
        for i, reasons in enumerate(([r.LOW_CONFIDENCE], [r.SEVERAL_TICKED]))
    ]
    (form,) = group_pages(pages)
    assert form.reasons == [r.SEVERAL_TICKED, r.LOW_CONFIDENCE]
