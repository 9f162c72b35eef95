"""A cursor that flows a form's blocks down A4 pages, recording drawing and field layout."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field

from intake.questions import paper_field
from ocr.forms.draw import BOTTOM, LEFT, MARK_INSET, RIGHT, TOP, Frame, Op, Rule, Style, Text
from ocr.forms.fonts import BOLD, PT, REGULAR, wrap
from ocr.forms.layout import ChoiceLayout, FieldLayout, Rect
from ocr.forms.spec import FormSpec, QuestionSpec


@dataclass
class Composer:
    """A cursor flowing content down pages, recording drawing and field layout."""

    spec: FormSpec
    style: Style
    pages: list[list[Op]] = field(default_factory=list)
    fields: list[FieldLayout] = field(default_factory=list)
    y: float = TOP

    @property
    def page(self) -> int:
        """Return the number of the page being filled."""
        return len(self.pages)

    @property
    def qr_rect(self) -> Rect:
        """Return where the QR symbol sits, in page millimetres."""
        return Rect(RIGHT - self.style.qr, TOP, self.style.qr, self.style.qr)

    def new_page(self) -> None:
        """Start a page; later pages repeat the title beside the QR code."""
        self.pages.append([])
        self.y = TOP
        if self.page > 1:
            self.paragraph(self.spec.title, BOLD, self.style.body, self.qr_rect.x - 4 - LEFT)
            self.y = max(self.y, self.qr_rect.bottom + 3)

    def ensure(self, height: float) -> None:
        """Start a new page unless `height` more millimetres fit."""
        if self.y + height > BOTTOM:
            self.new_page()

    def line_height(self, size: float) -> float:
        """Return the height of one line of `size`-point text in millimetres."""
        return size * 1.3 * PT

    def paragraph(self, text: str, font: str, size: float, width: float, x: float = LEFT) -> None:
        """Write wrapped text, continuing on a new page when needed."""
        for line in wrap(text, font, size, width):
            self.ensure(self.line_height(size))
            self.pages[-1].append(Text(x, self.y + size * PT, line, font, size))
            self.y += self.line_height(size)

    def add_field(
        self,
        name: str,
        kind: str,
        area: Rect,
        cells: tuple[Rect, ...] = (),
        *,
        personal: bool = False,
        choice: ChoiceLayout | None = None,
    ) -> None:
        """Record a field, converting page millimetres to the corner-mark frame."""
        self.fields.append(
            FieldLayout(
                name,
                kind,
                self.page,
                to_mark_frame(area),
                tuple(map(to_mark_frame, cells)),
                personal,
                choice,
            )
        )

    def box(self, label: str, example: bool = False) -> tuple[Rect, float]:
        """Draw a check box with its label beside it; return the box and the block's height."""
        s = self.style
        label_x = LEFT + s.check + 3
        lines = wrap(label, REGULAR, s.body, RIGHT - label_x)
        lh = self.line_height(s.body)
        height = max(s.check, len(lines) * lh)
        self.ensure(height + 2)
        cell = Rect(LEFT, self.y, s.check, s.check)
        self.pages[-1].append(Frame(cell, 0.0, 1.2, cross=example))
        text_top = self.y + (s.check - lh) / 2 if len(lines) == 1 else self.y
        for i, line in enumerate(lines):
            self.pages[-1].append(
                Text(label_x, text_top + i * lh + s.body * PT, line, REGULAR, s.body)
            )
        return cell, height

    def checkbox(self, name: str, label: str, example: bool = False) -> None:
        """Draw a check box with its label; record it as a field unless `name` is empty."""
        cell, height = self.box(label, example)
        if name:
            area = Rect(LEFT - 1, cell.y - 1, RIGHT - LEFT + 2, height + 2)
            self.add_field(name, "checkbox", area, (cell,))
        self.y += height + 2.5

    def choice(self, question: QuestionSpec, text: str) -> None:
        """Draw a closed question (`text`) with a box per option, kept together on one page."""
        self.ensure(self.measure(lambda c: c._choice_boxes(question, text)))
        top = self.y
        cells = self._choice_boxes(question, text)
        area = Rect(LEFT - 1, top - 1, RIGHT - LEFT + 2, self.y - top)
        meaning = ChoiceLayout(
            question.question_id,
            question.key,
            question.version,
            tuple(key for key, _label in question.options),
            question.required,
        )
        self.add_field(paper_field(question.key), "choice", area, cells, choice=meaning)
        self.y += 2

    def _choice_boxes(self, question: QuestionSpec, text: str) -> tuple[Rect, ...]:
        self.paragraph(text, BOLD, self.style.body, RIGHT - LEFT)
        self.y += 1
        cells = []
        for _key, label in question.options:
            cell, height = self.box(label)
            cells.append(cell)
            self.y += height + 2.5
        return tuple(cells)

    def letters(self, name: str, label: str, count: int, *, personal: bool = False) -> None:
        """Draw a labelled row of letter boxes and record it as a field."""
        s = self.style
        self.ensure(self.line_height(s.small) + s.cell + 3)
        self.paragraph(label, REGULAR, s.small, RIGHT - LEFT)
        cells = tuple(Rect(LEFT + i * s.cell, self.y + 0.5, s.cell, s.cell) for i in range(count))
        for cell in cells:
            self.pages[-1].append(Frame(cell, 0.45, 0.8))
        row = Rect(LEFT, self.y + 0.5, count * s.cell, s.cell)
        area = Rect(row.x - 1.5, row.y - 1.5, row.w + 3, row.h + 3)
        self.add_field(name, "letters", area, cells, personal=personal)
        self.y += s.cell + 3.5

    def answer(self, lines: int, label: str) -> None:
        """Draw the answer frame with `lines` writing lines and record it as a field."""
        s = self.style
        self.paragraph(label, BOLD, s.heading, RIGHT - LEFT)
        area = Rect(LEFT, self.y + 1, RIGHT - LEFT, lines * s.line_gap + s.line_gap / 3)
        self.pages[-1].append(Frame(area, 0.6, 0.6))
        for i in range(1, lines + 1):
            y = area.y + i * s.line_gap
            self.pages[-1].append(Rule(area.x + 3, y, area.right - 3, y, 0.72, 0.5))
        self.add_field("answer", "text", area)
        self.y = area.bottom + 4

    def lines_fitting(self, reserve: float) -> int:
        """Return how many writing lines fit above `reserve` millimetres."""
        s = self.style
        free = BOTTOM - reserve - self.y - self.line_height(s.heading) - 5 - s.line_gap / 3
        return max(0, int(free // s.line_gap))

    def measure(self, block: Callable[[Composer], None]) -> float:
        """Return the height `block` takes, without drawing it."""
        scratch = copy.deepcopy(self)
        scratch.y = 0.0
        block(scratch)
        return scratch.y


def to_mark_frame(rect: Rect) -> Rect:
    """Move a page-millimetre rectangle into the corner-mark frame."""
    return Rect(round(rect.x - MARK_INSET, 3), round(rect.y - MARK_INSET, 3), rect.w, rect.h)
