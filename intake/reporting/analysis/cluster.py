"""Group TF-IDF rows into themes and describe each group; pure, no database."""

from __future__ import annotations

import warnings

import numpy as np
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

MAX_THEMES = 12
# Fewer contributions than this make no theme of their own.
MIN_THEME = 3
SEED = 0
DIMENSIONS = 100
SILHOUETTE_SAMPLE = 2000
# A split whose silhouette stays below this finds no real structure: keep one group.
MIN_SILHOUETTE = 0.05


def reduce(matrix: sparse.csr_matrix) -> np.ndarray:
    """Project rows onto their main directions (LSA) and L2-normalise them."""
    components = min(DIMENSIONS, matrix.shape[1] - 1, matrix.shape[0] - 1)
    if components < 2:
        return normalize(matrix.toarray())
    svd = TruncatedSVD(n_components=components, random_state=SEED)
    with threadpool_limits(limits=1):
        return normalize(svd.fit_transform(matrix))


def kmeans(points: np.ndarray | sparse.csr_matrix, k: int) -> np.ndarray:
    """Return cluster labels for up to `k` groups, the same on every run."""
    # One thread: beside web workers, OpenMP threads spinning for a core run ten times slower.
    with warnings.catch_warnings(), threadpool_limits(limits=1):
        # Fewer distinct points than `k` give fewer groups; callers count the labels.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return KMeans(n_clusters=k, n_init=4, random_state=SEED).fit(points).labels_


def cluster(matrix: sparse.csr_matrix, *, max_k: int = MAX_THEMES) -> np.ndarray:
    """Return a label per row, choosing the number of groups by silhouette (−1: no group)."""
    count = matrix.shape[0]
    if count < MIN_THEME:
        return np.full(count, -1)
    points = reduce(matrix)
    best_score, best = MIN_SILHOUETTE, np.zeros(count, dtype=int)
    for k in range(2, min(max_k, count // MIN_THEME) + 1):
        labels = kmeans(points, k)
        if len(set(labels)) < 2:
            continue
        score = silhouette_score(
            points,
            labels,
            metric="cosine",
            sample_size=min(count, SILHOUETTE_SAMPLE),
            random_state=SEED,
        )
        if score > best_score:
            best_score, best = score, labels
    return _fold_small(matrix, best)


def _fold_small(matrix: sparse.csr_matrix, labels: np.ndarray) -> np.ndarray:
    """Move members of groups too small to be a theme to the nearest real one."""
    sizes = np.bincount(labels)
    big = np.flatnonzero(sizes >= MIN_THEME)
    if len(big) == len(sizes) or not len(big):
        return labels
    centres = centroids(matrix, labels, big)
    small = np.flatnonzero(np.isin(labels, big, invert=True))
    nearest = np.asarray((matrix[small] @ centres.T).argmax(axis=1)).ravel()
    labels = labels.copy()
    labels[small] = big[nearest]
    return np.unique(labels, return_inverse=True)[1]


def centroids(matrix: sparse.csr_matrix, labels: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Return the L2-normalised mean row of each group in `groups`."""
    return normalize(np.vstack([np.asarray(matrix[labels == g].mean(axis=0)) for g in groups]))


def centroid(matrix: sparse.csr_matrix, rows: list[int]) -> np.ndarray:
    """Return the L2-normalised mean of some rows."""
    return normalize(np.asarray(matrix[rows].mean(axis=0)))[0]


def top_terms(
    matrix: sparse.csr_matrix, rows: list[int], terms: list[str], count: int = 8
) -> list[str]:
    """Return the terms that mark these rows, most telling first: frequent here, rarer elsewhere."""
    if not rows:
        return []
    inside = np.asarray(matrix[rows].mean(axis=0)).ravel()
    others = np.setdiff1d(np.arange(matrix.shape[0]), rows)
    outside = np.asarray(matrix[others].mean(axis=0)).ravel() if len(others) else 0.0
    # Weight by the share of the term's use that falls here, so a word the whole
    # consultation uses still names a theme where it is far more frequent, not one where it is
    # merely present.
    telling = inside * inside / np.maximum(inside + outside, 1e-12)
    order = np.argsort(-telling, kind="stable")
    return [terms[i] for i in order[:count] if inside[i] > outside[i] / 2 and telling[i] > 0]
