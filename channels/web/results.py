"""The public results page: what a consultation heard, through which ways, and what was decided."""

from __future__ import annotations

from flask import abort, g, make_response, render_template
from werkzeug.wrappers import Response

from channels.web.blueprint import blueprint
from intake import consultations
from intake.current import db_session
from intake.i18n import gettext as _
from intake.labels import channel_label, consultation_state, language_label
from intake.models import ConsultationStatus, utcnow
from intake.reporting.charts import bar_chart
from intake.reporting.results import long_date, results_of

# Results change slowly and the page holds nothing personal: shared caches may keep it a while.
CACHE_SECONDS = 300


@blueprint.get("/c/<slug>/results")
def results(slug: str) -> Response:
    """Show how many took part, the confirmed themes with quotes, and the decisions."""
    session = db_session()
    consultation = consultations.lookup(session, slug)
    if consultation is None or consultation.status == ConsultationStatus.DRAFT:
        abort(404)
    found = results_of(session, consultation, g.language)
    ended = consultation.closes_at is not None and consultation.closes_at <= utcnow()
    state = ConsultationStatus.CLOSED if ended else consultation.status
    charts = [
        (
            bar_chart(_("Per kanaal"), [(channel_label(k), n) for k, n in found.per_channel]),
            _("Kanaal"),
        ),
        (
            bar_chart(_("Per taal"), [(language_label(k), n) for k, n in found.per_language]),
            _("Taal"),
        ),
    ]
    page = render_template(
        "web/results.html",
        consultation=consultation,
        texts=consultation.text_in(g.language),
        state=consultation_state(state),
        is_open=consultation.is_open(),
        results=found,
        charts=charts,
        long_date=long_date,
        channel_label=channel_label,
    )
    response = make_response(page)
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response.vary.add("Accept-Language")
    return response
