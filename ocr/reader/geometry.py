"""Plane homographies between the form's millimetre frame and image pixels."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Point = tuple[float, float]


def fit_homography(src: Sequence[Point], dst: Sequence[Point]) -> np.ndarray:
    """Fit the 3x3 homography taking `src` points onto `dst` (least squares, 4+ pairs)."""
    if len(src) != len(dst) or len(src) < 4:
        raise ValueError("a homography needs at least four point pairs")
    s, s_norm = _normalise(np.asarray(src, dtype=float))
    d, d_norm = _normalise(np.asarray(dst, dtype=float))
    rows = []
    for (x, y), (u, v) in zip(s, d, strict=True):
        rows.append([-x, -y, -1, 0, 0, 0, u * x, u * y, u])
        rows.append([0, 0, 0, -x, -y, -1, v * x, v * y, v])
    _, _, vt = np.linalg.svd(np.asarray(rows))
    h = vt[-1].reshape(3, 3)
    h = np.linalg.inv(d_norm) @ h @ s_norm
    return h / h[2, 2]


def _normalise(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centre and scale points so the linear system stays well conditioned."""
    centre = points.mean(axis=0)
    spread = np.sqrt(((points - centre) ** 2).sum(axis=1)).mean() or 1.0
    k = np.sqrt(2) / spread
    t = np.array([[k, 0, -k * centre[0]], [0, k, -k * centre[1]], [0, 0, 1]])
    homogeneous = np.column_stack([points, np.ones(len(points))]) @ t.T
    return homogeneous[:, :2], t


def apply(h: np.ndarray, points: Sequence[Point]) -> list[Point]:
    """Map points through a homography."""
    p = np.column_stack([np.asarray(points, dtype=float), np.ones(len(points))]) @ h.T
    return [(float(x / w), float(y / w)) for x, y, w in p]


def scaling(scale: float, offset: Point = (0.0, 0.0)) -> np.ndarray:
    """Return the homography `p -> (p + offset) * scale`."""
    return np.array(
        [[scale, 0, offset[0] * scale], [0, scale, offset[1] * scale], [0, 0, 1]], dtype=float
    )


def perspective_coefficients(h: np.ndarray) -> tuple[float, ...]:
    """Return Pillow's PERSPECTIVE data for a homography taking output to input pixels."""
    n = h / h[2, 2]
    return tuple(float(v) for v in n.flatten()[:8])


def local_scale(h: np.ndarray, point: Point) -> float:
    """Return how many destination units one source unit spans near `point`."""
    (x0, y0), (x1, y1), (x2, y2) = apply(
        h, [point, (point[0] + 1, point[1]), (point[0], point[1] + 1)]
    )
    return float((np.hypot(x1 - x0, y1 - y0) + np.hypot(x2 - x0, y2 - y0)) / 2)


def fit_affine(src: Sequence[Point], dst: Sequence[Point]) -> np.ndarray:
    """Fit the affine map taking `src` onto `dst` (least squares, 3+ pairs), as a 3x3 matrix."""
    a = np.column_stack([np.asarray(src, dtype=float), np.ones(len(src))])
    solution, *_ = np.linalg.lstsq(a, np.asarray(dst, dtype=float), rcond=None)
    return np.vstack([solution.T, [0.0, 0.0, 1.0]])
