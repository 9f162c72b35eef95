"""Read boxes by the share of ink inside them, snapping to the printed outline first."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

INK_LEVEL = 150  # on a flattened page paper is ~255, pen ~0-100, printed writing lines ~185
EMPTY_MAX = 0.03  # up to a dust speck or two
CHECKED_MIN = 0.08  # a thin cross already covers ~20% of the inside
FILLED_MIN = 0.85  # a blacked-out box usually means "I changed my mind"
INSET = 0.2  # share of the box side left out on each side: the printed outline

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in page pixels


@dataclass(frozen=True)
class BoxReading:
    """The ink share inside a check box and what it means."""

    density: float
    checked: bool
    unsure: bool

    @property
    def confidence(self) -> float:
        """Return 0..1: how far the ink share is from the unsure band."""
        if self.unsure:
            return 0.3
        if self.checked:
            return float(min(1.0, 0.7 + (self.density - CHECKED_MIN) * 3))
        return float(min(1.0, 0.7 + (EMPTY_MAX - self.density) * 10))


def ink_mask(pixels: np.ndarray) -> np.ndarray:
    """Return 1 where a flattened page has ink, else 0."""
    return (pixels < INK_LEVEL).astype(np.uint8)


def snap(ink: np.ndarray, box: Box, reach: int) -> Box:
    """Move `box` by up to `reach` pixels onto the printed outline that best matches it."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    if reach <= 0 or x0 - reach - 1 < 0 or y0 - reach - 1 < 0:
        return box
    region = ink[y0 - reach - 1 : y1 + reach + 2, x0 - reach - 1 : x1 + reach + 2].astype(np.int32)
    if region.shape != (h + 2 * reach + 3, w + 2 * reach + 3):
        return box
    # Thicken by one pixel so a blurred one-pixel outline still scores.
    band = region[:-2, 1:-1] + region[1:-1, 1:-1] + region[2:, 1:-1]
    cols = region[1:-1, :-2] + region[1:-1, 1:-1] + region[1:-1, 2:]
    row_cum = np.pad(band.cumsum(axis=1), ((0, 0), (1, 0)))
    col_cum = np.pad(cols.cumsum(axis=0), ((1, 0), (0, 0)))
    offsets = np.arange(2 * reach + 1)
    dy, dx = np.meshgrid(offsets, offsets, indexing="ij")
    score = (
        row_cum[dy, dx + w]
        - row_cum[dy, dx]
        + row_cum[dy + h, dx + w]
        - row_cum[dy + h, dx]
        + col_cum[dy + h, dx]
        - col_cum[dy, dx]
        + col_cum[dy + h, dx + w]
        - col_cum[dy, dx + w]
    )
    best_y, best_x = np.unravel_index(int(np.argmax(score)), score.shape)
    if score[best_y, best_x] <= score[reach, reach] * 1.1:
        return box
    ox, oy = int(best_x) - reach, int(best_y) - reach
    return (x0 + ox, y0 + oy, x1 + ox, y1 + oy)


def inside(box: Box, inset: float = INSET) -> Box:
    """Return the inner part of a box, clear of its printed outline."""
    x0, y0, x1, y1 = box
    dx, dy = round((x1 - x0) * inset), round((y1 - y0) * inset)
    return (x0 + dx, y0 + dy, x1 - dx, y1 - dy)


def density(ink: np.ndarray, box: Box) -> float:
    """Return the share of ink pixels inside `box`."""
    x0, y0, x1, y1 = box
    area = ink[max(0, y0) : y1, max(0, x0) : x1]
    return float(area.mean()) if area.size else 0.0


def read_checkbox(ink: np.ndarray, box: Box, reach: int) -> BoxReading:
    """Tell whether a check box is ticked, and whether that is too close to call."""
    share = density(ink, inside(snap(ink, box, reach)))
    checked = share >= (EMPTY_MAX + CHECKED_MIN) / 2
    unsure = EMPTY_MAX < share < CHECKED_MIN or share >= FILLED_MIN
    return BoxReading(share, checked, unsure)
