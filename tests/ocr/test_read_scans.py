"""Read filled-in forms scanned at 200 and 300 dpi, as TIFF, PNG, PDF and as a phone photo."""

from __future__ import annotations

import io
from pathlib import Path

import formlab as lab
import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image

from ocr.reader import FormRead, ScanResult, read_scan

CASES = ["pdf-200dpi", "tiff-300dpi", "png-300dpi", "phone-photo", "large-print", "multi-form-pdf"]
# Lowest character accuracy accepted, by what wrote the text.
MIN_ACCURACY = {lab.DEJAVU: 0.95, lab.DEJAVU_BOLD: 0.95, lab.HANDWRITING: 0.85}
PHOTO_PENALTY = 0.05


def forms_of(case: lab.Case) -> list[tuple[FormRead, lab.Printed, lab.Filling]]:
    """Pair each form read with what was printed and written on it, skipping letters."""
    return [(form, p, f) for form, (p, f) in _all_forms(case) if p is not None and f is not None]


def _all_forms(
    case: lab.Case,
) -> list[tuple[FormRead, tuple[lab.Printed | None, lab.Filling | None]]]:
    """Pair each form read with what it was, letters included."""
    assert case.result is not None
    assert len(case.result.forms) == len(case.expected)
    return list(zip(case.result.forms, case.expected, strict=True))


def result_of(case: lab.Case) -> ScanResult:
    """Return the read of a case's file."""
    assert case.result is not None
    return case.result


@pytest.mark.parametrize("name", CASES)
def test_every_form_is_recognised(cases: dict[str, lab.Case], name: str) -> None:
    for form, (printed, _filling) in _all_forms(cases[name]):
        if printed is None:
            assert form.qr is None
            continue
        assert form.qr is not None
        spec = printed.spec
        assert (form.qr.slug, form.qr.version, form.qr.language) == (
            spec.slug,
            spec.version,
            spec.language,
        )
        assert form.qr.large_print == printed.large_print
        assert [p.qr.page if p.qr else 0 for p in form.pages] == list(
            range(1, printed.layout.pages + 1)
        )
        assert "missing_pages" not in form.reasons
        assert "marks_missing" not in form.reasons


@pytest.mark.parametrize("name", CASES)
def test_check_boxes_are_read_right(cases: dict[str, lab.Case], name: str) -> None:
    for form, printed, filling in forms_of(cases[name]):
        boxes = {n: f for n, f in form.fields.items() if f.kind == "checkbox"}
        expected = {f.name for f in printed.layout.fields if f.kind == "checkbox"}
        assert set(boxes) == expected
        for field_name, field in boxes.items():
            assert field.checked == (field_name in filling.ticks), field_name
            assert not field.unsure, field_name
        assert "unsure_checkbox" not in form.reasons


def _minimum(case: lab.Case, font: Path) -> float:
    """Return the accuracy required of text written in `font` in this case."""
    return MIN_ACCURACY[font] - (PHOTO_PENALTY if case.name == "phone-photo" else 0.0)


@pytest.mark.parametrize("name", CASES)
def test_block_capitals_are_read(cases: dict[str, lab.Case], name: str) -> None:
    case = cases[name]
    for form, _printed, filling in forms_of(case):
        fields = form.fields
        for field_name, written in (("name", filling.name), ("postcode", filling.postcode)):
            got = fields[field_name]
            assert got.kind == "letters"
            score = lab.accuracy(written, got.text)
            assert score >= _minimum(case, filling.letter_font), (field_name, got.text, score)


@pytest.mark.parametrize("name", CASES)
def test_written_answer_is_read(cases: dict[str, lab.Case], name: str) -> None:
    case = cases[name]
    for form, _printed, filling in forms_of(case):
        answer = form.fields["answer"]
        score = lab.accuracy(filling.answer, answer.text)
        assert score >= _minimum(case, filling.font), (answer.text, score)


@pytest.mark.parametrize("name", CASES)
def test_every_field_has_a_crop(cases: dict[str, lab.Case], name: str) -> None:
    for form, printed, _filling in forms_of(cases[name]):
        for page in form.pages:
            assert page.qr is not None
            names = {f.name for f in printed.layout.fields_on(page.qr.page)}
            assert set(page.fields) == names
            for field in page.fields.values():
                crop = lab.png_image(field.crop_png)
                assert crop.width > 20 and crop.height > 20
            assert Image.open(io.BytesIO(page.image_jpeg)).format == "JPEG"


@pytest.mark.parametrize("name", CASES)
def test_archive_copy_is_searchable_pdfa(cases: dict[str, lab.Case], name: str) -> None:
    result = result_of(cases[name])
    with pikepdf.open(result.archive_pdf) as pdf:
        assert pdf.open_metadata().pdfa_status.startswith("2")
        assert len(pdf.pages) == len(result.pages)
    document = pdfium.PdfDocument(result.archive_bytes())
    try:
        text = document[0].get_textpage().get_text_range()
    finally:
        document.close()
    _form, first, _filling = forms_of(cases[name])[0]
    assert first.spec.title.split()[-1].lower() in text.lower()


def test_clean_scans_need_no_person(cases: dict[str, lab.Case]) -> None:
    for name in ("pdf-200dpi", "png-300dpi", "large-print"):
        for form, _printed, _filling in forms_of(cases[name]):
            assert form.reasons == [], (name, form.reasons)


def test_multi_form_pdf_is_split_by_qr_codes(cases: dict[str, lab.Case]) -> None:
    forms = result_of(cases["multi-form-pdf"]).forms
    assert [f.qr.slug if f.qr else None for f in forms] == [
        "heraanleg-marktplein",
        "bibliotheek-openingsuren",
        None,
        "heraanleg-marktplein",
    ]
    assert [[p.index for p in f.pages] for f in forms] == [[0], [1, 2], [3], [4]]


def test_upside_down_page_is_read(cases: dict[str, lab.Case]) -> None:
    french = result_of(cases["multi-form-pdf"]).forms[1]
    upside_down = french.pages[1]
    assert upside_down.index == 2
    assert upside_down.qr is not None and upside_down.qr.page == 2
    assert upside_down.fields["consent"].checked is True
    assert lab.accuracy("DUPONT MARIE", upside_down.fields["name"].text) >= 0.85
    assert "PARFAIT" in french.fields["answer"].text.upper()


def test_letter_without_qr_keeps_its_text(cases: dict[str, lab.Case]) -> None:
    letter = result_of(cases["multi-form-pdf"]).forms[2]
    assert letter.qr is None
    assert letter.needs_person and "no_qr" in letter.reasons
    assert letter.fields == {}
    salutation = _line_with(letter.text, "burgemeester")
    assert lab.accuracy("Geachte burgemeester,", salutation) >= 0.9


def _line_with(text: str, word: str) -> str:
    """Return the first line of `text` holding `word`."""
    return next((line for line in text.splitlines() if word in line.lower()), "")


def test_check_box_accuracy_over_all_scans(cases: dict[str, lab.Case]) -> None:
    right = total = 0
    for name in CASES:
        for form, _printed, filling in forms_of(cases[name]):
            for field_name, field in form.fields.items():
                if field.kind == "checkbox":
                    total += 1
                    right += field.checked == (field_name in filling.ticks) and not field.unsure
    assert total >= 30
    assert right / total == 1.0


def test_doubtful_form_goes_to_a_person(doubtful: ScanResult) -> None:
    form = doubtful.forms[0]
    assert form.needs_person
    assert set(form.reasons) == {"low_confidence", "unsure_checkbox"}
    assert form.fields["option:spelen"].unsure
    assert form.fields["answer"].unsure and form.fields["answer"].confidence < 0.6
    assert form.fields["consent"].checked is True and not form.fields["consent"].unsure
    assert lab.accuracy("CLAES BO", form.fields["name"].text) >= 0.9


def test_page_of_an_unknown_form_is_kept_whole(sample_png: Path, tmp_path: Path) -> None:
    result = read_scan(sample_png, workdir=tmp_path, layouts=lambda page_id: None)
    page = result.pages[0]
    assert page.qr is not None and page.qr.slug == "heraanleg-marktplein"
    assert page.fields == {} and page.reasons == ["unknown_form"]
    assert "Marktplein" in page.text
