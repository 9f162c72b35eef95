"""The reach report for staff: a page with charts and tables, and a CSV that adds up."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.app import create_app
from intake.consultations import seed_demo
from intake.migrations import upgrade
from intake.models import AuditEvent
from intake.runtime import Runtime
from tests.admin.conftest import PASSWORD, add_user, sign_in
from tests.browser import axe_violations, chromium
from tests.conftest import make_settings
from tests.intake.reporting.reach_data import populate
from tests.server import running_server

ROLES = ("viewer", "moderator", "admin")


@pytest.fixture
def staff(any_runtime: Runtime) -> Callable[[str], FlaskClient]:
    """Give a client signed in with the given role, on SQLite and on PostgreSQL."""
    app = create_app(runtime_=any_runtime)
    app.config["TESTING"] = True

    def client_for(role: str) -> FlaskClient:
        add_user(any_runtime, f"{role}@gemeente.be", role)
        client = app.test_client()
        assert sign_in(client, f"{role}@gemeente.be").status_code == 302
        return client

    return client_for


def _csv(client: FlaskClient, query: str = "") -> tuple[Any, list[dict[str, str]]]:
    response = client.get(f"/admin/reach.csv?consultation={query}")
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return response, list(csv.DictReader(io.StringIO(body[1:]), delimiter=";"))


def test_every_dimension_in_the_csv_adds_up_to_the_total(
    any_runtime: Runtime, staff: Callable[[str], FlaskClient]
) -> None:
    data = populate(any_runtime)
    response, rows = _csv(staff("viewer"))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="bereik-alle.csv"'
    assert response.mimetype == "text/csv"
    assert list(rows[0]) == ["consultation", "dimension", "value", "count"]
    totals = {r["consultation"]: int(r["count"]) for r in rows if r["dimension"] == "total"}
    assert totals == {
        "demo": 0,
        "parkplan": sum(1 for r in data["rows"][data["first"]] if r["status"] != "duplicate"),
        "mobiliteit": sum(1 for r in data["rows"][data["second"]] if r["status"] != "duplicate"),
    }
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        if row["dimension"] != "total":
            sums[row["consultation"], row["dimension"]] += int(row["count"])
    for slug in ("parkplan", "mobiliteit"):
        for dimension in ("channel", "language", "postcode", "week"):
            assert sums[slug, dimension] == totals[slug], (slug, dimension)
    postcodes = {r["value"] for r in rows if r["dimension"] == "postcode"}
    assert "other" in postcodes and "unknown" in postcodes and "8500" not in postcodes


def test_a_csv_of_one_consultation_is_audited(
    any_runtime: Runtime, staff: Callable[[str], FlaskClient]
) -> None:
    data = populate(any_runtime)
    response, rows = _csv(staff("moderator"), str(data["second"]))
    assert response.headers["Content-Disposition"] == 'attachment; filename="bereik-mobiliteit.csv"'
    assert {r["consultation"] for r in rows} == {"mobiliteit"}
    with any_runtime.db.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "export.reach")).one()
        assert (event.target_type, event.target_id) == ("consultation", data["second"])
        assert event.details == {"via": "admin", "format": "csv"}
    assert staff("admin").get("/admin/reach.csv?consultation=999").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_the_figures(
    any_runtime: Runtime, staff: Callable[[str], FlaskClient], role: str
) -> None:
    data = populate(any_runtime)
    counted = [r for r in data["rows"][data["first"]] if r["status"] != "duplicate"]
    not_web = sum(1 for r in counted if r["channel"] != "web")
    client = staff(role)
    html = client.get(f"/admin/reach?consultation={data['first']}").get_data(as_text=True)
    share = f"{100 * not_web / len(counted):.1f}%".replace(".", ",")
    assert f"Niet via de website: {share}" in html
    assert f"{not_web} van de {len(counted)} bijdragen" in html
    assert html.count("<svg") == 4
    sms = sum(1 for r in counted if r["channel"] == "sms")
    assert f"<tr><td>Sms</td><td>{sms}</td>" in html
    assert "als dubbel markeerde, tellen niet mee" in html
    assert "minder dan 5 bijdragen" in html and "<td>Andere postcodes</td><td>3</td>" in html
    assert '<strong aria-current="page">Bereik</strong>' in html


def test_the_comparison_has_a_row_per_consultation(
    any_runtime: Runtime, staff: Callable[[str], FlaskClient]
) -> None:
    populate(any_runtime)
    html = staff("viewer").get("/admin/reach?lang=fr").get_data(as_text=True)
    table = html[html.index('id="comparison"') :]
    for title in ("Het nieuwe park", "Mobiliteit in het centrum"):
        assert table.count(f'<th scope="row">{title}</th>') == 1
    assert table.count('<tr><th scope="row">') == 3  # the demo consultation too
    assert '<html lang="fr"' in html


@pytest.mark.browser
def test_the_reach_page_has_no_axe_violations(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    runtime = Runtime.start(make_settings(data_dir))
    upgrade(runtime.db.engine)
    with runtime.db.session() as session:
        seed_demo(session)
        session.commit()
    add_user(runtime, "lezer@gemeente.be", "viewer")
    data = populate(runtime)
    runtime.db.dispose()
    found: dict[str, Any] = {}
    with running_server(data_dir) as base, chromium() as browser:
        page = browser.new_page()
        page.goto(f"{base}/admin/login")
        page.fill("#email", "lezer@gemeente.be")
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        for lang, query in (("nl", ""), ("fr", f"consultation={data['first']}"), ("en", "")):
            page.goto(f"{base}/admin/reach?lang={lang}&{query}")
            found[lang] = axe_violations(page)
        page.close()
    assert {lang: v for lang, v in found.items() if v} == {}
