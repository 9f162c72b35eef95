"""Turn rows of a consultation's vector space into themes and theme memberships."""

from __future__ import annotations

import numpy as np
from sqlalchemy.orm import Session

from intake.models import Theme, ThemeAssignment, ThemeStatus, utcnow
from intake.reporting.analysis import cluster
from intake.reporting.analysis.vectors import Space, build_space, documents

# How close (cosine) a contribution must be to a kept theme's centre to join it.
JOIN_KEPT = 0.25
# Below this a contribution is too far from its group's centre to belong to it.
MIN_SCORE = 0.05

Link = dict[str, object]


def consultation_space(session: Session, consultation_id: int) -> Space:
    """Return the vectors of the consultation's contributions that say something."""
    return build_space(documents(session, consultation_id))


def describe(space: Space, theme: Theme, rows: list[int]) -> None:
    """Set the theme's top terms from its members' rows, as residents wrote them."""
    terms = cluster.top_terms(space.matrix, rows, space.terms)
    theme.top_terms = list(dict.fromkeys(space.surfaces.get(t, t) for t in terms))
    theme.updated_at = utcnow()


def scores(space: Space, rows: list[int], centre: np.ndarray) -> list[float]:
    """Return each row's closeness to a centre, from 0 to 1."""
    values = np.asarray(space.matrix[rows] @ centre).ravel() if rows else np.array([])
    return [round(float(v), 4) for v in np.clip(values, 0.0, 1.0)]


def link(contribution_id: int, theme_id: int, score: float | None) -> Link:
    """Return a machine membership row for a bulk insert."""
    return {
        "contribution_id": contribution_id,
        "theme_id": theme_id,
        "assigned_by": ThemeAssignment.MACHINE,
        "score": score,
    }


def offer_to_kept(
    space: Space, kept: dict[Theme, list[int]], free: list[int]
) -> tuple[list[Link], list[int]]:
    """Put free rows in the kept theme (with its member rows) they are close to; rest back."""
    described = [(theme, rows) for theme, rows in kept.items() if rows]
    if not described or not free:
        return [], free
    centres = np.vstack([cluster.centroid(space.matrix, rows) for _, rows in described])
    similarity = np.asarray(space.matrix[free] @ centres.T)
    best, best_score = similarity.argmax(axis=1), similarity.max(axis=1)
    links, rest = [], []
    for row, choice, score in zip(free, best, best_score, strict=True):
        if score >= JOIN_KEPT:
            theme_id = described[choice][0].id
            links.append(link(space.ids[row], theme_id, round(min(float(score), 1.0), 4)))
        else:
            rest.append(row)
    return links, rest


def new_themes(
    session: Session, space: Space, consultation_id: int, rows: list[int]
) -> list[tuple[Theme, list[int]]]:
    """Cluster rows into as many new suggested themes as they hold; flush."""
    if not rows:
        return []
    labels = cluster.cluster(space.matrix[rows])
    made = []
    for label in sorted(set(labels) - {-1}):
        group = [row for row, lab in zip(rows, labels, strict=True) if lab == label]
        close = scores(space, group, cluster.centroid(space.matrix, group))
        group = [row for row, s in zip(group, close, strict=True) if s >= MIN_SCORE]
        if len(group) < cluster.MIN_THEME:
            continue
        theme = Theme(consultation_id=consultation_id, status=ThemeStatus.SUGGESTED)
        describe(space, theme, group)
        session.add(theme)
        made.append((theme, group))
    session.flush()
    return made


def machine_links(space: Space, made: list[tuple[Theme, list[int]]]) -> list[Link]:
    """Return membership rows for new themes, scored against each theme's centre."""
    links = []
    for theme, group in made:
        close = scores(space, group, cluster.centroid(space.matrix, group))
        links += [link(space.ids[r], theme.id, s) for r, s in zip(group, close, strict=True)]
    return links
