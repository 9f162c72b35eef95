"""The reach report: which channels, languages, areas and weeks the consultations reached."""

from __future__ import annotations

from dataclasses import dataclass

from babel.numbers import format_percent
from flask import abort, g, render_template, request
from sqlalchemy import select
from werkzeug.wrappers import Response

from admin import scope
from admin.audit import record
from admin.blueprint import blueprint
from intake.current import db_session, runtime
from intake.i18n import gettext as _
from intake.labels import channel_choices, channel_label, language_label
from intake.models import Consultation
from intake.reporting import questions as closed
from intake.reporting import reach as reaching
from intake.reporting import spreadsheet
from intake.reporting.charts import BarChart, bar_chart
from intake.reporting.reach import OTHER, SMALL_COUNT, UNKNOWN, Reach, week_monday


@dataclass(frozen=True)
class Section:
    """One dimension of the report: its chart and the rows of the table beside it."""

    name: str
    chart: BarChart
    rows: list[tuple[str, int, str]]


def percent(share: float) -> str:
    """Write a fraction as a percentage with one decimal, the staff language's way."""
    return format_percent(share, "#,##0.0%", locale=f"{g.language}_BE")


def _label(dimension: str, value: str, *, long: bool = False) -> str:
    if dimension == "channel":
        return channel_label(value)
    if dimension == "language":
        return language_label(value)
    if dimension == "postcode" and value in (OTHER, UNKNOWN):
        return _("Andere postcodes") if value == OTHER else _("Onbekend")
    if dimension == "week" and long:
        # Chart labels stay short to fit beside the bars; the table says where a week starts.
        monday = f"{week_monday(value):%d/%m/%Y}"
        return _("%(week)s, vanaf maandag %(monday)s", week=value, monday=monday)
    return value


def _sections(chosen: Reach) -> list[Section]:
    titles = {
        "channel": _("Per kanaal"),
        "language": _("Per taal"),
        "postcode": _("Per postcodegebied"),
        "week": _("Per week"),
    }
    sections = []
    for name, title in titles.items():
        counts = chosen.counts[name]
        chart = bar_chart(title, [(_label(name, value), n) for value, n in counts])
        rows = [
            (_label(name, value, long=True), n, percent(n / chosen.total)) for value, n in counts
        ]
        sections.append(Section(name, chart, rows))
    return sections


def _chosen() -> int | None:
    value = request.args.get("consultation", "")
    return int(value) if value.isdigit() else None


def _slugs(consultations: list[Consultation]) -> dict[int | None, str]:
    return {c.id: c.slug for c in consultations}


@blueprint.get("/reach")
def reach_report() -> str:
    """Show whom the consultations reached, per channel, language, postcode area and week."""
    session = db_session()
    consultations = list(
        session.scalars(scope.consultations(select(Consultation).order_by(Consultation.id)))
    )
    chosen = _chosen()
    if chosen is not None and chosen not in _slugs(consultations):
        abort(404)
    found = reaching.overview(session, chosen, within=scope.current().visible())
    seen = {value for r in found.per_consultation for value, _n in r.counts["channel"]}
    # Loaded channels by name, then any that came through a channel no longer loaded.
    known = channel_choices()
    channels = [c for c in known if c in seen] + sorted(seen - set(known))
    titles: dict[int | None, str] = {c.id: c.text_in(g.language).title for c in consultations}
    titles[None] = _("Zonder bevraging")
    return render_template(
        "admin/reach.html",
        consultations=consultations,
        chosen=chosen,
        reach=found.chosen,
        sections=_sections(found.chosen),
        comparison=[(r, dict(r.counts["channel"])) for r in found.per_consultation],
        channels=channels,
        titles=titles,
        percent=percent,
        language_label=language_label,
        small_count=SMALL_COUNT,
        tallies=closed.tally(session, chosen, g.language) if chosen is not None else [],
        channel_label=channel_label,
    )


@blueprint.get("/reach.csv")
def reach_csv() -> Response:
    """Download the reach report in long format (one count per row), the export logged."""
    chosen = _chosen()
    separator = request.args.get("separator", spreadsheet.DEFAULT_SEPARATOR)
    if separator not in spreadsheet.SEPARATORS:
        abort(400)
    db = runtime().db
    # An export is audited, so this GET writes: take the writer's turn and a writing session.
    with db.writing(), db.session() as session:
        consultations = list(
            session.scalars(scope.consultations(select(Consultation).order_by(Consultation.id)))
        )
        slugs = _slugs(consultations)
        if chosen is not None and chosen not in slugs:
            abort(404)
        found = reaching.overview(session, chosen, within=scope.current().visible())
        reaches = [r for r in found.per_consultation if chosen in (None, r.consultation_id)]
        more = [
            row
            for r in reaches
            if r.consultation_id is not None
            for row in closed.csv_rows(
                closed.tally(session, r.consultation_id, g.language), slugs[r.consultation_id]
            )
        ]
        body = reaching.to_csv(reaches, slugs, separator, more)
        record(session, "export.reach", "consultation", chosen, via="admin", format="csv")
        session.commit()
    name = f"bereik-{slugs[chosen]}.csv" if chosen is not None else "bereik-alle.csv"
    response = Response(body, mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
