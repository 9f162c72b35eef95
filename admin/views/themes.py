"""Themes: let the machine group a consultation's contributions, then name and shape them.

The analysis (scikit-learn) is imported where it is used, so web workers only load it once a
member of staff opens these pages.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask import abort, g, redirect, render_template, request, url_for
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from admin import scope
from admin.audit import record
from admin.auth import requires
from admin.blueprint import blueprint
from intake.current import db_session
from intake.i18n import LANGUAGES, N_
from intake.i18n import gettext as _
from intake.models import (
    Consultation,
    Contribution,
    ContributionTheme,
    Job,
    JobStatus,
    Role,
    Theme,
    ThemeStatus,
    utcnow,
)
from intake.reporting.analysis.jobs import THEMES_JOB, queue_themes

MAX_PARTS = 6
DONE = {
    "compute": N_("De thema's worden berekend. Vernieuw deze pagina over enkele ogenblikken."),
    "labels": N_("De naam is bewaard."),
    "status": N_("De status van het thema is bewaard."),
    "split": N_("Het thema is opgesplitst."),
    "merge": N_("De thema's zijn samengevoegd."),
    "move": N_("De bijdrage staat nu bij het gekozen thema."),
}


def _theme(theme_id: int) -> Theme:
    theme = db_session().get(Theme, theme_id)
    if theme is None:
        abort(404)
    return theme


def _computing(consultation_id: int) -> bool:
    pending = db_session().scalars(
        select(Job.payload).where(
            Job.kind == THEMES_JOB, Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING])
        )
    )
    return any(payload.get("consultation_id") == consultation_id for payload in pending)


def _chosen_consultation(consultations: list[Consultation]) -> Consultation | None:
    chosen = request.args.get("consultation", "")
    by_id = {c.id: c for c in consultations}
    if chosen.isdigit() and int(chosen) in by_id:
        return by_id[int(chosen)]
    return consultations[0] if consultations else None


@blueprint.get("/themes")
def themes() -> str:
    """List a consultation's themes with their sizes, and the forms to compute and merge."""
    session = db_session()
    consultations = list(
        session.scalars(scope.consultations(select(Consultation).order_by(Consultation.id.desc())))
    )
    consultation = _chosen_consultation(consultations)
    from intake.reporting.analysis.themes import themes_of

    rows: list[tuple[Theme, int]] = []
    total = grouped = 0
    if consultation is not None:
        rows = themes_of(session, consultation.id)
        total = session.scalar(
            select(func.count()).where(Contribution.consultation_id == consultation.id)
        )
        grouped = sum(count for _theme, count in rows)
    done = request.args.get("done")
    return render_template(
        "admin/themes.html",
        consultations=consultations,
        consultation=consultation,
        rows=sorted(rows, key=lambda row: (row[0].status != ThemeStatus.CONFIRMED, -row[1])),
        total=total or 0,
        grouped=grouped,
        computing=consultation is not None and _computing(consultation.id),
        done=_(DONE[done]) if done in DONE else None,
    )


@blueprint.post("/themes/compute")
@requires(Role.MODERATOR)
def compute() -> Response:
    """Ask the worker to (re)compute the themes of a consultation."""
    session = db_session()
    chosen = request.form.get("consultation_id", "")
    consultation = session.get(Consultation, int(chosen)) if chosen.isdigit() else None
    if consultation is None:
        abort(404)
    scope.require(consultation.id, Role.MODERATOR)
    if not _computing(consultation.id):
        queue_themes(session, consultation.id)
        record(session, "themes.compute", "consultation", consultation.id)
        session.commit()
    return redirect(url_for("admin.themes", consultation=consultation.id, done="compute"))


@blueprint.get("/themes/<int:theme_id>")
def theme(theme_id: int) -> str:
    """Show one theme: its name, its members and the forms to reshape it."""
    from intake.reporting.analysis.themes import theme_members, themes_of

    session = db_session()
    found = _theme(theme_id)
    members = theme_members(session, found.id)
    assigned_by = dict(
        session.execute(
            select(ContributionTheme.contribution_id, ContributionTheme.assigned_by).where(
                ContributionTheme.theme_id == found.id
            )
        ).all()
    )
    done = request.args.get("done")
    return render_template(
        "admin/theme.html",
        theme=found,
        consultation=session.get(Consultation, found.consultation_id),
        members=members,
        assigned_by=assigned_by,
        per_channel=Counter(m.channel for m in members).most_common(),
        per_language=Counter(m.language for m in members).most_common(),
        others=[t for t, _count in themes_of(session, found.consultation_id) if t.id != found.id],
        languages=LANGUAGES,
        max_parts=MAX_PARTS,
        done=_(DONE[done]) if done in DONE else None,
        error=request.args.get("error", "")[:200] or None,
    )


def _back_to(theme_id: int, what: str) -> Response:
    db_session().commit()
    return redirect(url_for("admin.theme", theme_id=theme_id, done=what))


@blueprint.post("/themes/<int:theme_id>/labels")
@requires(Role.MODERATOR)
def rename(theme_id: int) -> Response:
    """Give the theme a name in each language (an empty name falls back to Dutch)."""
    found = _theme(theme_id)
    found.labels = {
        code: request.form.get(f"label_{code}", "").strip()[:120]
        for code in LANGUAGES
        if request.form.get(f"label_{code}", "").strip()
    }
    found.updated_at = utcnow()
    record(db_session(), "theme.rename", "theme", found.id, labels=found.labels)
    return _back_to(found.id, "labels")


@blueprint.post("/themes/<int:theme_id>/status")
@requires(Role.MODERATOR)
def confirm(theme_id: int) -> Response:
    """Confirm a theme (it then shows on the public results page), or take that back."""
    found = _theme(theme_id)
    wanted = request.form.get("status", "")
    if wanted in set(ThemeStatus):
        found.status = wanted
        found.updated_at = utcnow()
        record(db_session(), "theme.status", "theme", found.id, status=wanted)
    return _back_to(found.id, "status")


@blueprint.post("/themes/<int:theme_id>/split")
@requires(Role.MODERATOR)
def split(theme_id: int) -> Response:
    """Split a theme that holds two matters into smaller suggested themes."""
    from intake.reporting.analysis.themes import ThemeError, split_theme

    found = _theme(theme_id)
    consultation_id = found.consultation_id
    parts = request.form.get("parts", "2")
    count = min(MAX_PARTS, max(2, int(parts))) if parts.isdigit() else 2
    try:
        made = split_theme(db_session(), found.id, count)
    except ThemeError as error:
        db_session().rollback()
        return redirect(url_for("admin.theme", theme_id=theme_id, error=str(error)))
    record(db_session(), "theme.split", "theme", theme_id, into=[t.id for t in made])
    db_session().commit()
    return redirect(url_for("admin.themes", consultation=consultation_id, done="split"))


@blueprint.post("/themes/merge")
@requires(Role.MODERATOR)
def merge() -> Response:
    """Merge the ticked themes into the chosen one."""
    from intake.reporting.analysis.themes import merge_themes

    session = db_session()
    chosen = [int(v) for v in request.form.getlist("theme_ids") if v.isdigit()]
    into = request.form.get("into", "")
    target = session.get(Theme, int(into)) if into.isdigit() else None
    if target is None:
        abort(404)
    scope.require(target.consultation_id, Role.MODERATOR)
    same = session.scalars(
        select(Theme.id).where(
            Theme.id.in_(chosen), Theme.consultation_id == target.consultation_id
        )
    ).all()
    merge_themes(session, [*same, target.id], into=target.id)
    record(session, "theme.merge", "theme", target.id, merged=[i for i in same if i != target.id])
    return _back_to(target.id, "merge")


def theme_choices(consultation_id: int | None) -> list[dict[str, Any]]:
    """Return the consultation's themes as options for a select, in the staff's language."""
    if consultation_id is None:
        return []
    from intake.reporting.analysis.themes import themes_of

    return [
        {"id": t.id, "label": t.label_in(g.language), "count": count}
        for t, count in themes_of(db_session(), consultation_id)
    ]
