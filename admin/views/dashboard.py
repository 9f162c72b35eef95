"""Dashboard: contributions per channel, language and day; the worker and its jobs."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, g, redirect, render_template, request, url_for
from sqlalchemy import ColumnElement, func, select
from werkzeug.wrappers import Response

from admin import scope
from admin.audit import record
from admin.auth import requires
from admin.blueprint import blueprint
from intake.current import db_session, registry, runtime
from intake.health import STALE_AFTER
from intake.i18n import LANGUAGE_NAMES
from intake.i18n import gettext as _
from intake.jobs import count_unfinished, retry_job
from intake.labels import channel_label, language_label
from intake.models import Consultation, Contribution, Job, JobStatus, Role, WorkerHeartbeat, utcnow
from intake.reporting.charts import bar_chart
from intake.reporting.questions import tally

DAYS = 30
JOB_ROWS = 50


def _grouped(column: ColumnElement[str], where: list[ColumnElement[bool]]) -> list[tuple[str, int]]:
    query = select(column, func.count()).where(*where).group_by(column).order_by(column)
    return [(str(value), int(number)) for value, number in db_session().execute(query)]


@blueprint.get("/dashboard")
def dashboard() -> str:
    """Show charts and tables for a consultation (or all), and the state of the jobs."""
    session = db_session()
    chosen = request.args.get("consultation", "")
    where: list[ColumnElement[bool]] = [scope.contributions()]
    if chosen.isdigit():
        where.append(Contribution.consultation_id == int(chosen))
    since = utcnow() - timedelta(days=DAYS)
    per_day = _grouped(
        func.date(Contribution.received_at), [*where, Contribution.received_at >= since]
    )
    charts = [
        bar_chart(
            _("Per kanaal"),
            [(channel_label(k), n) for k, n in _grouped(Contribution.channel, where)],
        ),
        bar_chart(
            _("Per taal"),
            [(LANGUAGE_NAMES.get(k, k), n) for k, n in _grouped(Contribution.language, where)],
        ),
        bar_chart(_("Per dag (laatste %(days)s dagen)", days=DAYS), per_day),
    ]
    last_seen = session.scalar(select(func.max(WorkerHeartbeat.seen_at)))
    worker_ok = last_seen is not None and utcnow() - last_seen <= STALE_AFTER
    job_counts = count_unfinished(session)  # what the page shows, from the partial indexes
    # Jobs name contributions: a scoped colleague sees those of their consultations.
    jobs_seen = scope.condition_on_jobs()
    failing = session.scalars(
        select(Job)
        .where(Job.status == JobStatus.QUEUED, Job.last_error.is_not(None), jobs_seen)
        .order_by(Job.id.desc())
        .limit(JOB_ROWS)
    ).all()
    dead = session.scalars(
        select(Job)
        .where(Job.status == JobStatus.DEAD, jobs_seen)
        .order_by(Job.id.desc())
        .limit(JOB_ROWS)
    ).all()
    consultations = session.scalars(
        scope.consultations(select(Consultation).order_by(Consultation.id))
    ).all()
    problems = _problems([scope.contributions()])
    spool = runtime().spool
    # Only a consultation the staff member may see has its questions counted here.
    seen = {c.id for c in consultations}
    chosen_id = int(chosen) if chosen.isdigit() and int(chosen) in seen else None
    return render_template(
        "admin/dashboard.html",
        tallies=tally(session, chosen_id, g.language) if chosen_id is not None else [],
        channel_label=channel_label,
        language_label=language_label,
        charts=charts,
        consultations=consultations,
        chosen=int(chosen) if chosen.isdigit() else None,
        titles={c.id: c.text_in(g.language).title for c in consultations},
        last_seen=last_seen,
        worker_ok=worker_ok,
        job_counts=job_counts,
        failing=failing,
        dead=dead,
        problems=problems,
        spool_waiting=spool.depth(),
        spool_set_aside=spool.set_aside_count(),
    )


def _problems(where: list[ColumnElement[bool]]) -> list[tuple[str, int]]:
    """Name what the installation lacks (a full disk, a speech model), with how many
    contributions wait for a person because of it, most waiting first."""
    alerts = registry().alerts
    if not alerts:
        return []
    query = (
        select(Contribution.needs_person_reason, Contribution.language, func.count())
        .where(
            *where,
            Contribution.needs_person.is_(True),
            Contribution.needs_person_reason.in_(list(alerts)),
        )
        .group_by(Contribution.needs_person_reason, Contribution.language)
    )
    named: dict[str, int] = {}
    for reason, language, number in db_session().execute(query):
        text = _(alerts[reason], language=LANGUAGE_NAMES.get(language, language))
        named[text] = named.get(text, 0) + int(number)
    return sorted(named.items(), key=lambda item: (-item[1], item[0]))


@blueprint.post("/jobs/<int:job_id>/retry")
@requires(Role.ADMIN)
def retry(job_id: int) -> Response:
    """Give a dead job a fresh set of attempts."""
    session = db_session()
    if session.get(Job, job_id) is None:
        abort(404)
    retry_job(session, job_id)
    record(session, "job.retry", "job", job_id)
    session.commit()
    return redirect(url_for("admin.dashboard", retried=job_id))
