"""Printable forms: content, translations, QR codes, corner marks and the layout as data."""

from __future__ import annotations

import dataclasses
from typing import Any

import formlab as lab
import numpy as np
import pypdfium2 as pdfium
import pytest
import zxingcpp

from intake.i18n import gettext as _
from intake.i18n import using_language
from ocr.forms import FormLayout, FormSpec, PageId, form_layout, render_form_pdf
from ocr.forms.compose import compose
from ocr.forms.draw import LARGE, STANDARD, Text
from ocr.forms.spec import QuestionSpec

RENDER_DPI = 150
QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)


def page_texts(pdf: bytes) -> list[str]:
    """Return the text layer of every page."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


@pytest.mark.parametrize(
    "key", ["marktplein", "marktplein-large", "bibliotheek-large", "speeltuin"]
)
def test_every_page_has_its_qr_code(printed: dict[str, lab.Printed], key: str) -> None:
    form = printed[key]
    pages = lab.render_pages(form.pdf, dpi=RENDER_DPI)
    assert len(pages) == form.layout.pages
    for number, page in enumerate(pages, start=1):
        codes = zxingcpp.read_barcodes(
            page, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
        )
        assert [c.text for c in codes] == [form.layout.page_id(number).payload()]
        assert PageId.parse(codes[0].text) == form.layout.page_id(number)


@pytest.mark.parametrize("key", ["marktplein", "bibliotheek-large"])
def test_corner_marks_are_solid_squares_where_the_layout_says(
    printed: dict[str, lab.Printed], key: str
) -> None:
    form = printed[key]
    layout = form.layout
    k = RENDER_DPI / 25.4
    for page in lab.render_pages(form.pdf, dpi=RENDER_DPI):
        grey = np.asarray(page.convert("L"))
        for cx, cy in layout.mark_centres():
            x, y = (cx + layout.origin[0]) * k, (cy + layout.origin[1]) * k
            half = layout.mark_size / 2 * k * 0.8
            inside = grey[round(y - half) : round(y + half), round(x - half) : round(x + half)]
            around = grey[
                round(y - 3 * half) : round(y - 1.5 * half), round(x - half) : round(x + half)
            ]
            assert inside.mean() < 10 and around.mean() > 245


def test_form_shows_title_question_and_instructions(printed: dict[str, lab.Printed]) -> None:
    form = printed["marktplein"]
    text = page_texts(form.pdf)[0]
    spec = form.spec
    for expected in (
        spec.title,
        spec.question,
        "vóór 30 juni",
        *(label for _key, label in spec.options),
    ):
        assert expected in text
    with using_language(spec.language):
        for msgid in (
            "Schrijf in drukletters, één letter per vakje.",
            "Uw gegevens (niet verplicht)",
            "Naam",
            "Postcode",
        ):
            assert _(msgid) in text
        assert _("Pagina %(page)s van %(pages)s", page=1, pages=1) in text


def test_french_form_uses_the_french_catalog(printed: dict[str, lab.Printed]) -> None:
    form = printed["bibliotheek-large"]
    texts = page_texts(form.pdf)
    with using_language("fr"):
        consent = _("Ik ga ermee akkoord dat de gemeente mij contacteert over mijn inbreng.")
        footer = _("Pagina %(page)s van %(pages)s", page=2, pages=2)
    assert "bibliothèque" in texts[0]
    assert footer in texts[1]
    assert consent.split()[0] in texts[-1]


def test_large_print_has_big_type_and_big_boxes() -> None:
    spec = dataclasses.replace(SPEC, options=(("a", "Optie A"), ("b", "Optie B")))
    large = compose(spec, large_print=True)
    sizes = {op.size for ops in large.pages for op in ops if isinstance(op, Text)}
    assert min(sizes) >= 16
    standard = compose(spec)
    assert min(op.size for ops in standard.pages for op in ops if isinstance(op, Text)) < 16

    def cell(layout: FormLayout, kind: str) -> float:
        return next(f.cells[0].w for f in layout.fields if f.kind == kind)

    for kind in ("checkbox", "letters"):
        assert cell(large.layout, kind) > cell(standard.layout, kind) * 1.3
    assert LARGE.cell > STANDARD.cell


SPEC = FormSpec(
    slug="test-vorm",
    version=1,
    language="nl",
    title="Een titel",
    question="Een vraag?",
)


def test_layout_is_json_data_that_round_trips(printed: dict[str, lab.Printed]) -> None:
    for form in printed.values():
        text = form.layout.to_json()
        assert FormLayout.from_json(text) == form.layout
    assert form_layout(SPEC) == compose(SPEC).layout


def test_fields_sit_inside_the_marks_and_do_not_overlap(printed: dict[str, lab.Printed]) -> None:
    for form in printed.values():
        layout = form.layout
        width, height = layout.mark_span
        for page in range(1, layout.pages + 1):
            areas = [f.area for f in layout.fields_on(page)]
            for a in areas:
                assert a.x >= 3 and a.right <= width - 3 and a.y >= 3 and a.bottom <= height - 3
            for i, a in enumerate(areas):
                for b in areas[i + 1 :]:
                    overlap = min(a.bottom, b.bottom) - max(a.y, b.y)
                    assert overlap <= 0.01 or min(a.right, b.right) <= max(a.x, b.x)


def test_answer_area_continues_on_a_second_page_when_needed() -> None:
    many = dataclasses.replace(
        SPEC, options=tuple((f"o{i}", f"Keuze nummer {i}") for i in range(12))
    )
    layout = form_layout(many)
    answer_pages = [f.page for f in layout.fields if f.name == "answer"]
    assert layout.pages == 2 and answer_pages[-1] == 2
    assert len(layout.fields_on(2)) >= 3  # answer continued, then name, postcode, consent


QUESTIONS = tuple(
    QuestionSpec(
        question_id=10 + n,
        key=f"q{n}",
        version=2,
        text=f"Question {n} : êtes-vous d'accord ?",
        options=(("1", "Oui"), ("2", "Non"), ("3", "Sans avis")),
        required=n == 1,
    )
    for n in range(1, 6)
)


def test_closed_questions_print_a_box_per_option_in_the_forms_language() -> None:
    spec = dataclasses.replace(SPEC, language="fr", questions=QUESTIONS[:2])
    text = page_texts(render_form_pdf(spec))[0]
    assert "Question 1 : êtes-vous d'accord ? (obligatoire)" in text
    assert "Question 2 : êtes-vous d'accord ?\r\n" in text
    assert text.count("Sans avis") == 2
    layout = form_layout(spec)
    choices = [f for f in layout.fields if f.kind == "choice"]
    assert [f.name for f in choices] == ["question:q1", "question:q2"]
    first = choices[0]
    assert first.choice is not None
    assert (first.choice.question_id, first.choice.version, first.choice.options) == (
        11,
        2,
        ("1", "2", "3"),
    )
    assert first.choice.required and not choices[1].choice.required  # type: ignore[union-attr]
    assert len(first.cells) == 3 and all(first.area.contains(c.x, c.y) for c in first.cells)
    assert FormLayout.from_json(layout.to_json()) == layout
    assert '"choice"' not in form_layout(SPEC).to_json()


def test_questions_that_do_not_fit_flow_onto_the_next_page_whole() -> None:
    layout = form_layout(dataclasses.replace(SPEC, questions=QUESTIONS), large_print=True)
    pages = {f.name: f.page for f in layout.fields if f.kind == "choice"}
    assert set(pages.values()) == {1, 2}
    for field in layout.fields:
        if field.kind == "choice":
            assert all(field.area.contains(c.x, c.bottom) for c in field.cells)
            assert all(c.w >= LARGE.check for c in field.cells)


def test_without_name_and_postcode_only_consent_remains() -> None:
    layout = form_layout(dataclasses.replace(SPEC, ask_name=False, ask_postcode=False))
    assert {f.name for f in layout.fields} == {"answer", "consent"}


def test_render_is_repeatable() -> None:
    assert render_form_pdf(SPEC) == render_form_pdf(SPEC)


@pytest.mark.parametrize(
    "change",
    [
        {"slug": "Met Hoofdletters"},
        {"slug": "a:b"},
        {"version": 0},
        {"language": "de"},
        {"options": (("a", "A"), ("a", "B"))},
    ],
)
def test_invalid_specs_are_refused(change: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        dataclasses.replace(SPEC, **change)


def test_qr_payload_round_trips_and_ignores_foreign_codes() -> None:
    page = PageId("park-2026", 12, "fr", True, 2, 3)
    assert page.payload() == "INSPRAAK:1:park-2026:12:fr:L:2/3"
    assert PageId.parse(page.payload()) == page
    for foreign in (
        "https://example.org",
        "INSPRAAK:2:park:1:nl:S:1/1",
        "INSPRAAK:1:park:1:nl:S:3/2",
    ):
        assert PageId.parse(foreign) is None
