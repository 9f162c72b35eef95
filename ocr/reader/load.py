"""Open a PDF, TIFF, JPEG or PNG file and yield its pages as greyscale images."""

from __future__ import annotations

import warnings
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from ocr.reader.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedPdfError,
    ImageTooLargeError,
    TooManyPagesError,
    UnsupportedFormatError,
)

RENDER_DPI = 300
MIN_RENDER_DPI = 200
MAX_RENDER_PIXELS = 40_000_000  # ~ A2 at 300 dpi; bigger pages are rendered at a lower dpi
CREDIBLE_DPI = (100, 1200)
_MAGIC = {
    b"%PDF": "pdf",
    b"II*\x00": "tiff",
    b"MM\x00*": "tiff",
    b"\xff\xd8\xff": "jpeg",
    b"\x89PNG": "png",
}


@dataclass
class SourcePage:
    """One page of the input as an 8-bit greyscale image; dpi None when unknown."""

    image: Image.Image
    dpi: float | None


def sniff(path: Path) -> str:
    """Return "pdf", "tiff", "jpeg" or "png" from the file's first bytes."""
    with path.open("rb") as f:  # a missing file is the caller's mistake: let OSError through
        head = f.read(1024)
    if not head:
        raise EmptyFileError(message="the file is empty")
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    if b"%PDF-" in head:  # some scanners put junk before the header; PDF readers allow it
        return "pdf"
    raise UnsupportedFormatError(message="not a PDF, TIFF, JPEG or PNG file")


def open_pages(
    path: Path, kind: str, *, max_pages: int
) -> tuple[int, Generator[SourcePage, None, None]]:
    """Return the page count and a lazy iterator over the pages, refusing over `max_pages`."""
    if kind == "pdf":
        document = _open_pdf(path)
        count, close = len(document), document.close
        pages: Generator[SourcePage, None, None] = _pdf_pages(document)
    else:
        image = _open_image(path)
        count, close = getattr(image, "n_frames", 1), image.close
        pages = _image_pages(image)
    if count == 0 or count > max_pages:
        close()
        if count == 0:
            raise CorruptFileError("corrupt_pdf", "the document has no pages")
        raise TooManyPagesError(message=f"{count} pages, at most {max_pages} are read at once")
    return count, pages


def _open_pdf(path: Path) -> pdfium.PdfDocument:
    """Open a PDF, telling password protection apart from damage."""
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as error:
        if error.err_code == pdfium.raw.FPDF_ERR_PASSWORD:
            raise EncryptedPdfError(message="the PDF is protected by a password") from error
        raise CorruptFileError("corrupt_pdf", str(error)) from error


def _pdf_pages(document: pdfium.PdfDocument) -> Generator[SourcePage, None, None]:
    """Render each page in greyscale at its scan's resolution."""
    try:
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            scale = _scan_dpi(page) / 72
            pixels = width * height * scale * scale
            if pixels > MAX_RENDER_PIXELS:
                scale *= (MAX_RENDER_PIXELS / pixels) ** 0.5
            try:
                bitmap = page.render(scale=scale, grayscale=True)
            except pdfium.PdfiumError as error:
                raise CorruptFileError("corrupt_pdf", f"page {index + 1}: {error}") from error
            yield SourcePage(bitmap.to_pil().convert("L"), scale * 72)
    finally:
        document.close()


def _scan_dpi(page: pdfium.PdfPage) -> float:
    """Return the resolution of the page's scanned image, so rendering adds no false detail."""
    best = 0.0
    for image in page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, _bottom, right, _top = image.get_bounds()
        if right - left > 72:  # ignore logos and stamps: an inch wide at least
            best = max(best, image.get_px_size()[0] / ((right - left) / 72))
    return min(RENDER_DPI, max(MIN_RENDER_DPI, best)) if best else RENDER_DPI


def _open_image(path: Path) -> Image.Image:
    # Pillow only warns between its limit and twice the limit: treat both as a bomb.
    """Open an image file, refusing decompression bombs and damaged files."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(path)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise ImageTooLargeError(message=str(error)) from error
        except UnidentifiedImageError as error:
            raise CorruptFileError("corrupt_image", str(error)) from error
        except (OSError, SyntaxError, ValueError) as error:
            raise CorruptFileError("corrupt_image", str(error)) from error
    try:
        _check_size(image)
    except ImageTooLargeError:
        image.close()
        raise
    return image


def _check_size(image: Image.Image) -> None:
    """Refuse an image over Pillow's pixel limit."""
    limit = Image.MAX_IMAGE_PIXELS
    if limit and image.width * image.height > limit:
        raise ImageTooLargeError(message=f"{image.width}x{image.height} pixels is over {limit}")


def _image_pages(image: Image.Image) -> Generator[SourcePage, None, None]:
    """Yield each frame of an image file, upright and in greyscale."""
    try:
        for frame in ImageSequence.Iterator(image):
            _check_size(frame)
            try:
                page = ImageOps.exif_transpose(frame).convert("L")
            except (OSError, SyntaxError, ValueError) as error:
                raise CorruptFileError("corrupt_image", str(error)) from error
            yield SourcePage(page, _dpi(frame))
    except (OSError, EOFError) as error:
        raise CorruptFileError("corrupt_image", str(error)) from error
    finally:
        image.close()


def _dpi(image: Image.Image) -> float | None:
    """Return the image's dpi when it is credible, else None."""
    dpi = image.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        return None
    low, high = CREDIBLE_DPI
    return value if low <= value <= high else None
