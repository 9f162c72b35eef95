"""Themes found in a consultation's contributions, kept in step with what staff decided.

Services flush and never commit. They write no audit entry: intake has no staff context,
so the staff views (and the job and the command) record who asked for a change.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from intake.i18n import gettext as _
from intake.models import (
    Consultation,
    Contribution,
    ContributionTheme,
    Theme,
    ThemeAssignment,
    ThemeStatus,
    utcnow,
)
from intake.reporting.analysis import cluster
from intake.reporting.analysis.grouping import (
    consultation_space,
    describe,
    machine_links,
    new_themes,
    offer_to_kept,
    scores,
)
from intake.reporting.analysis.vectors import Space


class ThemeError(Exception):
    """A theme change cannot be made as asked; the message (translated) says why."""


@dataclass(frozen=True)
class ThemeRun:
    """What a computation left: themes in the consultation, contributions in one, time."""

    themes: int
    assigned: int
    seconds: float


def _theme(session: Session, theme_id: int) -> Theme:
    theme = session.get(Theme, theme_id)
    if theme is None:
        raise ThemeError(_("Dit thema bestaat niet."))
    return theme


def _members(session: Session, theme_ids: Sequence[int]) -> list[ContributionTheme]:
    return list(
        session.scalars(select(ContributionTheme).where(ContributionTheme.theme_id.in_(theme_ids)))
    )


def _rescore(space: Space, theme: Theme, links: Sequence[ContributionTheme]) -> None:
    """Describe the theme by its members and score each member against its centre."""
    rows = space.rows_of(ln.contribution_id for ln in links)
    describe(space, theme, rows)
    if not rows:
        return
    close = dict(zip(rows, scores(space, rows, cluster.centroid(space.matrix, rows)), strict=True))
    for ln in links:
        row = space.row_of(ln.contribution_id)
        ln.score = close[row] if row is not None else None


def compute_themes(session: Session, consultation_id: int) -> ThemeRun:
    """Find themes anew, keeping confirmed themes and every assignment staff made."""
    started = time.perf_counter()
    if session.get(Consultation, consultation_id) is None:
        raise ThemeError(_("Deze bevraging bestaat niet."))
    space = consultation_space(session, consultation_id)
    themes = list(session.scalars(select(Theme).where(Theme.consultation_id == consultation_id)))
    links = _members(session, [t.id for t in themes])
    by_staff = [ln for ln in links if ln.assigned_by == ThemeAssignment.STAFF]
    staff_themes = {ln.theme_id for ln in by_staff}
    kept = [t for t in themes if t.status == ThemeStatus.CONFIRMED or t.id in staff_themes]
    members: dict[int, list[int]] = defaultdict(list)
    for ln in links:
        members[ln.theme_id].append(ln.contribution_id)
    # The machine's earlier work goes; staff's stays where staff put it.
    session.execute(
        delete(ContributionTheme).where(
            ContributionTheme.assigned_by == ThemeAssignment.MACHINE,
            ContributionTheme.theme_id.in_([t.id for t in themes]),
        )
    )
    for theme in themes:
        if theme not in kept:
            session.delete(theme)
    session.flush()
    placed = {ln.contribution_id for ln in by_staff}
    free = [row for row, cid in enumerate(space.ids) if cid not in placed]
    joined, free = offer_to_kept(space, {t: space.rows_of(members[t.id]) for t in kept}, free)
    fresh = machine_links(space, new_themes(session, space, consultation_id, free))
    if joined or fresh:
        session.execute(insert(ContributionTheme), joined + fresh)
    session.flush()
    for theme in kept:
        _rescore(space, theme, _members(session, [theme.id]))
    session.flush()
    counted = themes_of(session, consultation_id)
    assigned = sum(count for _, count in counted)
    return ThemeRun(len(counted), assigned, round(time.perf_counter() - started, 3))


def split_theme(session: Session, theme_id: int, parts: int = 2) -> list[Theme]:
    """Split a theme into `parts` new suggested themes by its members' words; drop it."""
    theme = _theme(session, theme_id)
    if parts < 2:
        raise ThemeError(_("Een thema splitsen kan in minstens twee delen."))
    links = _members(session, [theme.id])
    space = consultation_space(session, theme.consultation_id)
    rows = sorted(set(space.rows_of(ln.contribution_id for ln in links)))
    labels = cluster.kmeans(space.matrix[rows], parts) if len(rows) >= parts else []
    if len(set(labels)) < parts:
        raise ThemeError(
            _(
                "Dit thema heeft te weinig verschillende bijdragen om in %(parts)d te splitsen.",
                parts=parts,
            )
        )
    made = [
        Theme(consultation_id=theme.consultation_id, status=ThemeStatus.SUGGESTED)
        for _ in range(parts)
    ]
    session.add_all(made)
    part_of = dict(zip(rows, labels, strict=True))
    sizes = [list(labels).count(n) for n in range(parts)]
    # Members without telling words (a photo, "ok") go with the largest part.
    largest = sizes.index(max(sizes))
    for ln in links:
        row = space.row_of(ln.contribution_id)
        ln.theme = made[part_of[row] if row is not None else largest]
    session.flush()
    for part in made:
        _rescore(space, part, [ln for ln in links if ln.theme is part])
    session.delete(theme)
    session.flush()
    return [made[n] for n in sorted(range(parts), key=lambda n: (-sizes[n], made[n].id))]


def merge_themes(session: Session, theme_ids: Sequence[int], *, into: int) -> Theme:
    """Move every member of the themes into theme `into`, then drop the emptied themes."""
    target = _theme(session, into)
    others = [_theme(session, tid) for tid in dict.fromkeys(theme_ids) if tid != into]
    if any(other.consultation_id != target.consultation_id for other in others):
        raise ThemeError(_("Thema's van verschillende bevragingen kunnen niet samen."))
    if others:
        session.execute(
            update(ContributionTheme)
            .where(ContributionTheme.theme_id.in_([o.id for o in others]))
            .values(theme_id=target.id)
        )
        for other in others:
            session.delete(other)
        session.flush()
    space = consultation_space(session, target.consultation_id)
    _rescore(space, target, _members(session, [target.id]))
    session.flush()
    return target


def assign_theme(session: Session, contribution_id: int, theme_id: int | None) -> None:
    """Put a contribution in a theme by hand (staff), or take it out of its theme (None)."""
    contribution = session.get(Contribution, contribution_id)
    if contribution is None:
        raise ThemeError(_("Deze bijdrage bestaat niet."))
    current = session.get(ContributionTheme, contribution_id)
    if theme_id is None:
        if current is not None:
            session.delete(current)
            session.flush()
        return
    theme = _theme(session, theme_id)
    if theme.consultation_id != contribution.consultation_id:
        raise ThemeError(_("Dit thema hoort bij een andere bevraging dan de bijdrage."))
    if current is None:
        current = ContributionTheme(contribution_id=contribution_id)
        session.add(current)
    current.theme = theme
    current.assigned_by = ThemeAssignment.STAFF
    # Closeness is measured when the themes are next computed.
    current.score = None
    theme.updated_at = utcnow()
    session.flush()


def theme_members(session: Session, theme_id: int) -> list[Contribution]:
    """Return the theme's contributions, closest to its centre first."""
    return list(
        session.scalars(
            select(Contribution)
            .join(ContributionTheme, ContributionTheme.contribution_id == Contribution.id)
            .where(ContributionTheme.theme_id == theme_id)
            .order_by(ContributionTheme.score.desc().nulls_last(), Contribution.id)
        )
    )


def themes_of(session: Session, consultation_id: int) -> list[tuple[Theme, int]]:
    """Return the consultation's themes with their number of contributions, largest first."""
    count = func.count(ContributionTheme.contribution_id)
    rows = session.execute(
        select(Theme, count)
        .outerjoin(ContributionTheme, ContributionTheme.theme_id == Theme.id)
        .where(Theme.consultation_id == consultation_id)
        .group_by(Theme.id)
        .order_by(count.desc(), Theme.id)
    )
    return [(theme, int(n)) for theme, n in rows]
