"""Find a page's QR code and corner marks, and straighten it onto its printed layout."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import zxingcpp
from PIL import Image

from ocr.forms.layout import FormLayout
from ocr.forms.spec import PageId
from ocr.reader import geometry

MIN_DPI, MAX_DPI = 200, 300  # straightened pages keep the source's detail, within these
SEARCH_MM = 16.0  # how far a corner mark may sit from where the QR code predicts it...
SEARCH_GROWTH = 0.15  # ...plus this share of the distance extrapolated (a photo's perspective)
MAX_RESIDUAL_MM = 1.5
QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)


@dataclass(frozen=True)
class QrHit:
    """A decoded Inspraak QR code and its four corners in image pixels (symbol order)."""

    page_id: PageId
    corners: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Alignment:
    """How a layout's millimetres map onto the source image."""

    to_source: np.ndarray
    marks_used: int


def find_qr(image: Image.Image) -> QrHit | None:
    """Decode the first Inspraak QR code on the page, whatever its rotation."""
    for barcode in zxingcpp.read_barcodes(image, formats=QR_ONLY):
        page_id = PageId.parse(barcode.text)
        if page_id is not None:
            p = barcode.position
            corners = tuple(
                (float(c.x), float(c.y))
                for c in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)
            )
            return QrHit(page_id, corners)
    return None


def alignment(image: Image.Image, hit: QrHit, layout: FormLayout) -> Alignment:
    """Fit layout millimetres to image pixels from the QR corners and the corner marks."""
    q = layout.qr
    qr_mm = [(q.x, q.y), (q.right, q.y), (q.right, q.bottom), (q.x, q.bottom)]
    pixels = np.asarray(image, dtype=np.uint8)
    marks: list[tuple[tuple[float, float], tuple[float, float]]] = []
    qr_centre = (q.x + q.w / 2, q.y + q.h / 2)
    nearest_first = sorted(
        layout.mark_centres(), key=lambda c: np.hypot(c[0] - qr_centre[0], c[1] - qr_centre[1])
    )
    for centre in nearest_first:
        # An affine guess extrapolates from a small QR code far better than a homography.
        known = qr_mm + [m for m, _ in marks]
        guess = geometry.fit_affine(known, list(hit.corners) + [p for _, p in marks])
        distance = min(np.hypot(centre[0] - x, centre[1] - y) for x, y in known)
        reach = SEARCH_MM + SEARCH_GROWTH * distance
        found = _find_mark(pixels, guess, centre, layout.mark_size, reach)
        if found is not None:
            marks.append((centre, found))
    while True:
        src = qr_mm + [m for m, _ in marks]
        dst = list(hit.corners) + [p for _, p in marks]
        if len(marks) < 2:
            return Alignment(geometry.fit_affine(src, dst), len(marks))
        h = geometry.fit_homography(src, dst)
        scale = geometry.local_scale(h, marks[0][0])
        predicted = geometry.apply(h, [m for m, _ in marks])
        errors = [
            float(np.hypot(px - fx, py - fy)) / scale
            for (px, py), (_, (fx, fy)) in zip(predicted, marks, strict=True)
        ]
        worst = int(np.argmax(errors))
        if errors[worst] <= MAX_RESIDUAL_MM:
            return Alignment(h, len(marks))
        del marks[worst]


def _find_mark(
    pixels: np.ndarray,
    guess: np.ndarray,
    centre: tuple[float, float],
    size_mm: float,
    reach_mm: float,
) -> tuple[float, float] | None:
    """Find the isolated solid square nearest the predicted mark centre, or None."""
    ((px, py),) = geometry.apply(guess, [centre])
    scale = geometry.local_scale(guess, centre)
    side = max(4, round(size_mm * scale * 0.85))  # the mark may look smaller further away
    reach = round(reach_mm * scale)
    x0, y0 = max(0, round(px) - reach), max(0, round(py) - reach)
    x1, y1 = min(pixels.shape[1], round(px) + reach), min(pixels.shape[0], round(py) + reach)
    if x1 - x0 < 2 * side or y1 - y0 < 2 * side:
        return None
    window = pixels[y0:y1, x0:x1]
    # Search a block-averaged copy (marks about 12 blocks wide), then refine at full size.
    step = max(1, side // 12)
    rows, cols = window.shape[0] // step * step, window.shape[1] // step * step
    small = window[:rows, :cols].reshape(rows // step, step, cols // step, step).mean(axis=(1, 3))
    paper, ink = np.percentile(small, 90), np.percentile(small, 1)
    if paper - ink < 40:
        return None
    threshold = (paper + ink) / 2
    dark = (small < threshold).astype(np.int32)
    s_side = max(3, round(side / step))
    inner = _centred_sums(dark, s_side) / (s_side * s_side)
    near, far = round(s_side * 1.8), round(s_side * 2.6)  # the mark may look up to 1.8x bigger
    ring = (_centred_sums(dark, far) - _centred_sums(dark, near)) / (far * far - near * near)
    # The ring test rejects dark areas bigger than a mark: a shadow, the table, the scanner lid.
    ys, xs = np.nonzero((inner >= 0.8) & (ring <= 0.2))
    if len(xs) == 0:
        return None
    cxs, cys = xs * step + step / 2, ys * step + step / 2
    best = int(np.argmin((cxs + x0 - px) ** 2 + (cys + y0 - py) ** 2))
    fx, fy = float(cxs[best]), float(cys[best])
    for _ in range(3):  # re-centre on the ink: the first candidate can sit at the mark's edge
        top, left = max(0, round(fy) - side), max(0, round(fx) - side)
        ys, xs = np.nonzero(window[top : round(fy) + side, left : round(fx) + side] < threshold)
        if len(xs) == 0:
            return None
        fx, fy = left + float(xs.mean()), top + float(ys.mean())
    return (x0 + fx, y0 + fy)


def _centred_sums(a: np.ndarray, side: int) -> np.ndarray:
    """Return, for every pixel, the sum over the side x side square centred on it."""
    half = side // 2
    padded = np.pad(a, ((half, side - half), (half, side - half)))
    s = np.pad(padded.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    h, w = a.shape
    return (
        s[side : side + h, side : side + w]
        - s[:h, side : side + w]
        - s[side : side + h, :w]
        + s[:h, :w]
    )


def straight_dpi(fit: Alignment, layout: FormLayout) -> int:
    """Return the resolution to straighten at: the source's own, in steps of 10 dpi."""
    centre = (layout.mark_span[0] / 2, layout.mark_span[1] / 2)
    source = geometry.local_scale(fit.to_source, centre) * 25.4
    return int(min(MAX_DPI, max(MIN_DPI, round(source / 10) * 10)))


def canonical_size(layout: FormLayout, dpi: float) -> tuple[int, int]:
    """Return the pixel size of a straightened page."""
    w, h = layout.page_size
    return round(w / 25.4 * dpi), round(h / 25.4 * dpi)


def mm_to_canonical(layout: FormLayout, dpi: float) -> np.ndarray:
    """Return the homography from layout millimetres to straightened page pixels."""
    return geometry.scaling(dpi / 25.4, layout.origin)


def rectify(image: Image.Image, fit: Alignment, layout: FormLayout, dpi: float) -> Image.Image:
    """Warp the source page onto a straight page of the layout's size at `dpi`."""
    to_source = fit.to_source @ np.linalg.inv(mm_to_canonical(layout, dpi))
    return image.transform(
        canonical_size(layout, dpi),
        Image.Transform.PERSPECTIVE,
        geometry.perspective_coefficients(to_source),
        resample=Image.Resampling.BILINEAR,  # bicubic costs twice the time for no OCR gain
        fillcolor=255,
    )
