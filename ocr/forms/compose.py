"""Flow a form's content onto A4 pages, yielding both the layout and what to draw."""

from __future__ import annotations

from dataclasses import dataclass

from intake.i18n import gettext as _
from intake.i18n import using_language
from ocr.forms.composer import Composer, to_mark_frame
from ocr.forms.draw import (
    BOTTOM,
    FOOTER_BASELINE,
    LARGE,
    LEFT,
    MARK_INSET,
    MARK_SIZE,
    PAGE,
    RIGHT,
    STANDARD,
    Op,
    Text,
)
from ocr.forms.fonts import BOLD, REGULAR
from ocr.forms.layout import FormLayout
from ocr.forms.spec import FormSpec


@dataclass
class Composition:
    """A laid-out form: the layout for the reader and the drawing for each page."""

    layout: FormLayout
    pages: list[list[Op]]


def _header(c: Composer) -> None:
    """Write the title, question, description and filling-in instructions."""
    s, spec = c.style, c.spec
    narrow = c.qr_rect.x - 4 - LEFT
    c.paragraph(spec.title, BOLD, s.title, narrow)
    c.y += 1.5
    c.paragraph(spec.question, BOLD, s.heading, narrow)
    c.y = max(c.y, c.qr_rect.bottom) + 2
    if spec.description:
        c.paragraph(spec.description, REGULAR, s.body, RIGHT - LEFT)
        c.y += 2
    c.paragraph(_("Schrijf in drukletters, één letter per vakje."), REGULAR, s.small, RIGHT - LEFT)
    c.paragraph(_("Schrijf uw antwoord op de lijnen."), REGULAR, s.small, RIGHT - LEFT)
    c.checkbox("", _("Kruis een vakje aan met een kruisje, zoals hier."), example=True)
    c.y += 1


def _options(c: Composer) -> None:
    """Write one check box per multiple-choice option."""
    if not c.spec.options:
        return
    c.paragraph(_("Kruis aan wat voor u past."), BOLD, c.style.body, RIGHT - LEFT)
    c.y += 1
    for key, label in c.spec.options:
        c.checkbox(f"option:{key}", label)
    c.y += 2


def _questions(c: Composer) -> None:
    """Write each closed question with a check box per option; mark the required ones."""
    if not c.spec.questions:
        return
    texts = [
        _("%(question)s (verplicht)", question=q.text) if q.required else q.text
        for q in c.spec.questions
    ]
    # The instruction goes where the first question goes, never alone at a page's foot.
    first = c.measure(lambda m: m.choice(c.spec.questions[0], texts[0]))
    c.ensure(c.line_height(c.style.body) + 1 + first)
    c.paragraph(_("Kruis per vraag één vakje aan."), BOLD, c.style.body, RIGHT - LEFT)
    c.y += 1
    for question, text in zip(c.spec.questions, texts, strict=True):
        c.choice(question, text)
    c.y += 2


def _personal(c: Composer) -> None:
    """Write the optional name and postcode boxes and the consent check box."""
    s = c.style
    c.paragraph(_("Uw gegevens (niet verplicht)"), BOLD, s.heading, RIGHT - LEFT)
    c.y += 1
    if c.spec.ask_name:
        c.letters("name", _("Naam"), int((RIGHT - LEFT) // s.cell), personal=True)
    if c.spec.ask_postcode:
        c.letters("postcode", _("Postcode"), 4)
    c.checkbox(
        "consent", _("Ik ga ermee akkoord dat de gemeente mij contacteert over mijn inbreng.")
    )


def _footer(c: Composer) -> None:
    """Write the page numbers once the page count is known."""
    total = len(c.pages)
    for number, ops in enumerate(c.pages, start=1):
        label = _("Pagina %(page)s van %(pages)s", page=number, pages=total)
        ops.append(Text(PAGE[0] / 2, FOOTER_BASELINE, label, REGULAR, c.style.small, centred=True))


def compose(spec: FormSpec, *, large_print: bool = False) -> Composition:
    """Lay out `spec` in its own language: the single source of both drawing and layout."""
    with using_language(spec.language):
        c = Composer(spec, LARGE if large_print else STANDARD)
        c.new_page()
        _header(c)
        _options(c)
        _questions(c)
        reserve = c.measure(_personal)
        here = c.lines_fitting(reserve)
        if here >= c.style.min_lines:
            c.answer(here, _("Uw antwoord"))
        else:
            started = c.lines_fitting(0) >= 3
            if started:
                c.answer(c.lines_fitting(0), _("Uw antwoord"))
            c.new_page()
            label = _("Uw antwoord (vervolg)") if started else _("Uw antwoord")
            c.answer(c.lines_fitting(reserve), label)
        c.y = max(c.y, BOTTOM - reserve)
        _personal(c)
        _footer(c)
    origin = (MARK_INSET, MARK_INSET)
    layout = FormLayout(
        slug=spec.slug,
        version=spec.version,
        language=spec.language,
        large_print=large_print,
        pages=len(c.pages),
        page_size=PAGE,
        origin=origin,
        mark_span=(PAGE[0] - 2 * MARK_INSET, PAGE[1] - 2 * MARK_INSET),
        mark_size=MARK_SIZE,
        qr=to_mark_frame(c.qr_rect),
        fields=tuple(c.fields),
    )
    return Composition(layout, c.pages)
