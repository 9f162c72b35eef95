"""Draw a composed form as an A4 PDF with reportlab."""

from __future__ import annotations

import io

import segno
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ocr.forms.compose import Composition, compose
from ocr.forms.draw import Frame, Rule, Text
from ocr.forms.fonts import register
from ocr.forms.layout import FormLayout, Rect
from ocr.forms.spec import FormSpec


def render_form_pdf(spec: FormSpec, *, large_print: bool = False) -> bytes:
    """Render `spec` as a printable A4 PDF."""
    return render_composition(compose(spec, large_print=large_print), title=spec.title)


def form_layout(spec: FormSpec, *, large_print: bool = False) -> FormLayout:
    """Return the layout that `render_form_pdf` prints for `spec`."""
    return compose(spec, large_print=large_print).layout


def render_composition(composition: Composition, *, title: str = "") -> bytes:
    """Draw every page of a composition, with corner marks and a QR code on each."""
    register()
    layout = composition.layout
    out = io.BytesIO()
    width, height = layout.page_size
    canvas = Canvas(out, pagesize=(width * mm, height * mm), invariant=True, pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("Inspraak")
    for number, ops in enumerate(composition.pages, start=1):
        page = _Page(canvas, height, layout.origin)
        for op in ops:
            page.draw(op)
        for cx, cy in layout.mark_centres():
            s = layout.mark_size
            page.fill(Rect(cx - s / 2, cy - s / 2, s, s), framed=True)
        page.qr(layout.qr, layout.page_id(number).payload())
        canvas.showPage()
    canvas.save()
    return out.getvalue()


class _Page:
    """Convert page millimetres (y down) to reportlab points (y up) while drawing."""

    def __init__(self, canvas: Canvas, page_height: float, origin: tuple[float, float]) -> None:
        """Draw on `canvas` for a page `page_height` millimetres high."""
        self.canvas = canvas
        self.height = page_height
        self.origin = origin

    def _y(self, y: float) -> float:
        """Return page millimetres from the top as points from the bottom."""
        return (self.height - y) * mm

    def draw(self, op: Text | Frame | Rule) -> None:
        """Draw one text, frame or rule."""
        c = self.canvas
        if isinstance(op, Text):
            c.setFillGray(0)
            c.setFont(op.font, op.size)
            if op.centred:
                c.drawCentredString(op.x * mm, self._y(op.y), op.text)
            else:
                c.drawString(op.x * mm, self._y(op.y), op.text)
        elif isinstance(op, Frame):
            r = op.rect
            c.setStrokeGray(op.gray)
            c.setLineWidth(op.width)
            c.rect(r.x * mm, self._y(r.bottom), r.w * mm, r.h * mm, stroke=1, fill=0)
            if op.cross:
                c.setStrokeGray(0)
                c.setLineWidth(1.4)
                c.line(r.x * mm, self._y(r.y), r.right * mm, self._y(r.bottom))
                c.line(r.x * mm, self._y(r.bottom), r.right * mm, self._y(r.y))
        else:
            c.setStrokeGray(op.gray)
            c.setLineWidth(op.width)
            c.line(op.x1 * mm, self._y(op.y1), op.x2 * mm, self._y(op.y2))

    def fill(self, rect: Rect, *, framed: bool = False) -> None:
        """Fill a black rectangle, given in page mm or (framed) in the corner-mark frame."""
        ox, oy = self.origin if framed else (0.0, 0.0)
        self.canvas.setFillGray(0)
        self.canvas.rect(
            (rect.x + ox) * mm,
            self._y(rect.bottom + oy),
            rect.w * mm,
            rect.h * mm,
            stroke=0,
            fill=1,
        )

    def qr(self, rect: Rect, payload: str) -> None:
        """Draw `payload` as a QR symbol exactly filling `rect`; the composer keeps it clear."""
        code = segno.make_qr(payload, error="m", boost_error=False)
        matrix = [list(row) for row in code.matrix]
        module = rect.w / len(matrix)
        for r, row in enumerate(matrix):
            c = 0
            while c < len(row):
                if not row[c]:
                    c += 1
                    continue
                start = c
                while c < len(row) and row[c]:
                    c += 1
                x = rect.x + start * module
                y = rect.y + r * module
                self.fill(Rect(x, y, (c - start) * module, module), framed=True)
