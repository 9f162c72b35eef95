"""Read a scanned or photographed file of paper forms: `read_scan`."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import img2pdf
import pikepdf

from ocr.forms.layout import FormLayout
from ocr.forms.spec import PageId
from ocr.reader import result as r
from ocr.reader.engine import OcrJob, RunningOcr, require_languages
from ocr.reader.fields import PageGrid, fill_text, page_reasons, read_boxes
from ocr.reader.group import group_pages
from ocr.reader.hocr import HocrPage, parse_hocr, rotate_back
from ocr.reader.load import open_pages, sniff
from ocr.reader.prepare import LayoutLookup, PreparedPage, load_pixels, prepare
from ocr.reader.redact import cover, personal_fields

DEFAULT_LANGUAGES = ("nld", "fra", "eng")
TESSERACT_MODEL = {"nl": "nld", "fr": "fra", "en": "eng"}
DEFAULT_PAGE_TIMEOUT = 60.0
# Bigger files are refused rather than cut short: a silently dropped page would lose a
# resident's contribution, a refusal tells staff to split the file.
DEFAULT_MAX_PAGES = 100
# The printed forms to recognise, or a lookup from a page's QR identity to its layout.
Layouts = Iterable[FormLayout] | Callable[[PageId], FormLayout | None]


def read_scan(
    path: str | Path,
    *,
    workdir: str | Path,
    layouts: Layouts = (),
    languages: tuple[str, ...] = DEFAULT_LANGUAGES,
    page_timeout: float = DEFAULT_PAGE_TIMEOUT,
    max_pages: int = DEFAULT_MAX_PAGES,
    jobs: int = 1,
) -> ScanResult:
    """Read a scanned PDF, TIFF, JPEG or PNG file into forms, or raise UnreadableScanError."""
    require_languages(languages)
    source = Path(path)
    kind = sniff(source)
    count, pages = open_pages(source, kind, max_pages=max_pages)
    lookup = _lookup(layouts)
    Path(workdir).mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="scan-", dir=workdir))
    try:
        with contextlib.closing(pages):
            prepared = [prepare(p, i, lookup, work) for i, p in enumerate(pages)]
        return _read(
            source,
            work,
            count,
            prepared,
            languages=languages,
            page_timeout=page_timeout,
            jobs=jobs,
        )
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


ScanResult = r.ScanResult


def _read(
    source: Path,
    work: Path,
    count: int,
    prepared: list[PreparedPage],
    *,
    languages: tuple[str, ...],
    page_timeout: float,
    jobs: int,
) -> r.ScanResult:
    """OCR the prepared pages and read their fields while OCRmyPDF runs."""
    ocr_input = work / "pages.pdf"
    ocr_input.write_bytes(img2pdf.convert([p.jpeg for p in prepared]))
    archive = work / "archive.pdf"
    job = OcrJob(
        input_pdf=str(ocr_input),
        output_pdf=str(archive),
        hocr_dir=str(work / "hocr"),
        languages=languages,
        # Aligned pages are already upright and straight; only other pages need OCRmyPDF's help.
        straighten=not all(p.aligned for p in prepared),
        page_timeout=page_timeout,
        jobs=jobs,
    )
    # One allowance per page, and one more for start-up and the PDF/A conversion.
    running = RunningOcr(job, timeout=page_timeout * (count + 1))
    try:
        # Boxes are read while OCRmyPDF works on the whole pages in its own process.
        boxes = {
            p.index: _read_boxes(p, languages=languages, timeout=page_timeout)
            for p in prepared
            if p.layout is not None
        }
        running.wait()
    finally:
        running.kill()
    # Words come from the hOCR behind the archive's text layer rather than from that layer:
    # the same recognition, but with word confidences, in pixels of the page we cropped.
    rotations = _rotations(archive)
    reads = []
    for p in prepared:
        hocr = rotate_back(
            parse_hocr(Path(job.hocr_dir) / f"{p.index + 1:06d}_ocr_hocr.hocr"), rotations[p.index]
        )
        reads.append(_page_read(p, hocr, boxes.get(p.index)))
    for p in prepared:
        if p.pixels is not None:
            p.pixels.unlink(missing_ok=True)
    ocr_input.unlink(missing_ok=True)
    shutil.rmtree(job.hocr_dir, ignore_errors=True)
    job.status_file.unlink(missing_ok=True)
    return r.ScanResult(source, archive, reads, group_pages(reads))


def _read_boxes(
    page: PreparedPage, *, languages: tuple[str, ...], timeout: float
) -> tuple[dict[str, r.FieldResult], dict[str, float]]:
    """Read an aligned page's check boxes and letter boxes."""
    assert page.layout is not None and page.qr is not None
    # Letter boxes are short: one model loads far faster than three, and the form says which.
    model = TESSERACT_MODEL.get(page.qr.language, "")
    letter_languages = (model,) if model in languages else languages[:1]
    grid = PageGrid(page.layout, page.dpi)
    return read_boxes(
        load_pixels(page), grid, page.qr.page, languages=letter_languages, timeout=timeout
    )


def _page_read(
    page: PreparedPage,
    hocr: HocrPage,
    boxes: tuple[dict[str, r.FieldResult], dict[str, float]] | None,
) -> r.PageRead:
    """Combine a page's box readings and OCR words into its result."""
    reasons = list(page.reasons)
    fields: dict[str, r.FieldResult] = {}
    covered = None
    if boxes is not None and page.layout is not None and page.qr is not None:
        grid = PageGrid(page.layout, page.dpi)
        fields = fill_text(boxes[0], grid, page.qr.page, hocr.words, boxes[1])
        reasons.extend(page_reasons(fields))
        personal = personal_fields(page.layout.fields_on(page.qr.page))
        if personal:
            covered = cover(page.jpeg, [grid.box(spec.area) for spec in personal], page.dpi)
    elif not hocr.words:
        reasons.append(r.NO_TEXT)
    return r.PageRead(page.index, page.qr, fields, page.jpeg, hocr.text(), reasons, covered)


def _rotations(archive: Path) -> list[int]:
    """Return the rotation OCRmyPDF gave each page (the input pages had none)."""
    with pikepdf.open(archive) as pdf:
        return [int(page.obj.get("/Rotate", 0)) for page in pdf.pages]


def _lookup(layouts: Layouts) -> LayoutLookup:
    """Turn the caller's layouts into a lookup by QR identity."""
    if callable(layouts):
        return layouts
    known = {layout.key: layout for layout in layouts}
    return lambda page_id: known.get(page_id.form_key)
