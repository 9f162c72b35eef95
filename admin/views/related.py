"""Around one contribution: its theme, the most similar others, and the ones linked to it."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from admin import scope
from admin.audit import record
from admin.auth import requires, staff
from admin.blueprint import blueprint
from admin.links import link, linked_to, unlink
from admin.views.themes import theme_choices
from intake.current import db_session
from intake.models import Contribution, ContributionTheme, Role, Theme


def context(session: Session, contribution: Contribution) -> dict[str, Any]:
    """Return what the contribution's page shows about its theme and related contributions."""
    current = session.scalar(
        select(Theme)
        .join(ContributionTheme, ContributionTheme.theme_id == Theme.id)
        .where(ContributionTheme.contribution_id == contribution.id)
    )
    from intake.reporting.analysis.similar import similar_to

    access = scope.current()
    linked = [
        other
        for other in linked_to(session, contribution.id)
        if access.role_on(other.consultation_id)
    ]
    return {
        "theme": current,
        "theme_options": theme_choices(contribution.consultation_id),
        "similar": similar_to(session, contribution.id) if contribution.consultation_id else [],
        "linked": linked,
        "linked_ids": {other.id for other in linked},
    }


def _contribution(contribution_id: int) -> Contribution:
    found = db_session().get(Contribution, contribution_id)
    if found is None:
        abort(404)
    return found


@blueprint.post("/c/<int:contribution_id>/theme")
@requires(Role.MODERATOR)
def put_in_theme(contribution_id: int) -> Response:
    """Put the contribution in a theme by hand (or in none); the machine leaves it there."""
    from intake.reporting.analysis.themes import assign_theme

    session = db_session()
    contribution = _contribution(contribution_id)
    chosen = request.form.get("theme_id", "")
    theme = session.get(Theme, int(chosen)) if chosen.isdigit() else None
    if theme is not None and theme.consultation_id != contribution.consultation_id:
        abort(400)
    assign_theme(session, contribution.id, theme.id if theme else None)
    record(session, "contribution.theme", "contribution", contribution.id, theme=chosen or None)
    session.commit()
    back = request.form.get("back", "")
    if back.isdigit():
        return redirect(url_for("admin.theme", theme_id=int(back), done="move"))
    return redirect(url_for("admin.detail", contribution_id=contribution.id, done="theme"))


@blueprint.post("/c/<int:contribution_id>/link")
@requires(Role.MODERATOR)
def link_contribution(contribution_id: int) -> Response:
    """Link this contribution to another (same person or same matter, another channel)."""
    contribution = _contribution(contribution_id)
    other = request.form.get("other_id", "")
    found = db_session().get(Contribution, int(other)) if other.isdigit() else None
    if found is not None and scope.current().moderates(found.consultation_id):
        link(db_session(), contribution.id, found.id, staff().id)
    db_session().commit()
    return redirect(url_for("admin.detail", contribution_id=contribution.id, done="link"))


@blueprint.post("/c/<int:contribution_id>/unlink")
@requires(Role.MODERATOR)
def unlink_contribution(contribution_id: int) -> Response:
    """Remove the link between this contribution and another."""
    contribution = _contribution(contribution_id)
    other = request.form.get("other_id", "")
    if other.isdigit():
        unlink(db_session(), contribution.id, int(other))
    db_session().commit()
    return redirect(url_for("admin.detail", contribution_id=contribution.id, done="unlink"))
