"""The platform's pages: the municipalities sharing the installation, and what each used.

Only platform accounts of the installation's own tenant reach them (`admin.auth`); they
show no resident, contribution or consultation of any municipality.
"""

from __future__ import annotations

import re

from flask import current_app, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from admin.audit import record
from admin.blueprint import blueprint
from intake.current import db_session, runtime
from intake.i18n import gettext as _
from intake.labels import channel_label
from intake.models import Tenant, utcnow
from intake.reporting import usage as usage_table
from intake.reporting.usage import MonthError, checked_month
from intake.tenant_setup import TenantChanges, TenantSetupError, add_tenant
from intake.usage import month_of, report

# Host names, numbers and addresses are typed one per line, or separated by commas.
_LIST = re.compile(r"[\s,;]+")


def _listed(field: str) -> list[str]:
    return [value for value in _LIST.split(request.form.get(field, "")) if value]


def _page(error: str | None = None, code: int = 200) -> tuple[str, int]:
    tenants = db_session().scalars(select(Tenant).order_by(Tenant.id)).all()
    return render_template(
        "admin/platform.html",
        tenants=tenants,
        error=error,
        form=request.form if error else {},
        month=month_of(utcnow()),
    ), code


def taken_segments() -> set[str]:
    """Return the first path segments the site serves, which no municipality may take."""
    return {rule.rule.lstrip("/").split("/")[0] for rule in current_app.url_map.iter_rules()}


@blueprint.get("/platform")
def platform() -> tuple[str, int]:
    """List the municipalities and what reaches each, with a form to add one."""
    return _page()


@blueprint.post("/platform/tenants")
def platform_add() -> Response | tuple[str, int]:
    """Add a municipality."""
    session = db_session()
    changes = TenantChanges(
        name=request.form.get("name", ""),
        hosts=_listed("hosts"),
        phone_numbers=_listed("numbers"),
        email_addresses=_listed("addresses"),
    )
    try:
        made = add_tenant(
            session, runtime().media, request.form.get("slug", ""), changes, taken_segments()
        )
    except TenantSetupError as error:
        session.rollback()
        message = _("De gemeente kon niet worden toegevoegd: %(reason)s", reason=str(error))
        return _page(message, 422)
    record(session, "tenant.add", "tenant", made.id, slug=made.slug)
    session.commit()
    runtime().tenants.forget()
    return redirect(url_for("admin.platform", added=made.slug))


def column_label(name: str) -> str:
    """Name a column of the usage report for staff."""
    if name.startswith("contributions_"):
        return _("Bijdragen via %(channel)s", channel=channel_label(name.split("_", 1)[1]))
    labels = {
        "month": _("Maand"),
        "tenant": _("Korte naam"),
        "name": _("Gemeente"),
        "sms_segments_in": _("Sms-delen ontvangen"),
        "sms_segments_out": _("Sms-delen verstuurd"),
        "voice_minutes_in": _("Minuten voicemail"),
        "storage_mb": _("Opslag (MB)"),
    }
    return labels.get(name, name)


def _month() -> str | None:
    asked = request.args.get("month") or month_of(utcnow())
    try:
        return checked_month(asked)
    except MonthError:
        return None


@blueprint.get("/platform/usage")
def platform_usage() -> tuple[str, int]:
    """Show what each municipality used in the chosen month."""
    month = _month()
    if month is None:
        error = _("Kies een maand als JJJJ-MM, bijvoorbeeld 2026-12.")
        return render_template(
            "admin/platform_usage.html", month="", columns=[], rows=[], error=error
        ), 400
    columns, rows = usage_table.table(report(db_session(), [month]))
    return render_template(
        "admin/platform_usage.html",
        month=month,
        columns=[column_label(name) for name in columns],
        rows=rows,
        error=None,
    ), 200


@blueprint.get("/platform/usage.csv")
def platform_usage_csv() -> Response:
    """Download the chosen month's usage as spreadsheet-safe CSV."""
    month = _month()
    if month is None:
        return Response(_("Kies een maand als JJJJ-MM."), status=400, mimetype="text/plain")
    body = usage_table.to_csv(report(db_session(), [month]))
    response = Response(body, mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="gebruik-{month}.csv"'
    return response
