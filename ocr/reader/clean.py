"""Even out lighting so ink reads the same in a shadow as in the light."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from PIL import Image, ImageFilter

PAPER_LEVEL = 228
PAPER_WINDOW_MM = 10.0  # wider than any printed stroke, narrower than any shadow's edge


def flatten(image: Image.Image, dpi: float) -> Image.Image:
    """Divide the page by its estimated paper brightness, giving white paper everywhere."""
    factor = max(1, round(dpi / 40))
    small = np.asarray(image.reduce(factor), dtype=np.uint8)
    size = max(3, round(PAPER_WINDOW_MM / 25.4 * dpi / factor) | 1)
    paper = _max_filter(small, size)
    blurred = Image.fromarray(paper).filter(ImageFilter.BoxBlur(size // 2))
    background = np.asarray(blurred.resize(image.size, Image.Resampling.BILINEAR), np.float32)
    pixels = np.asarray(image, dtype=np.float32)
    out = pixels * (255.0 / np.maximum(background, 24.0))
    out[out > PAPER_LEVEL] = 255  # sensor noise on paper only costs OCR time and JPEG bytes
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))


def _max_filter(a: np.ndarray, size: int) -> np.ndarray:
    """Return the maximum over a size x size window, separably and with edge padding."""
    pad = size // 2
    padded = np.pad(a, pad, mode="edge")
    rows = sliding_window_view(padded, size, axis=1).max(axis=-1)
    return sliding_window_view(rows, size, axis=0).max(axis=-1)
