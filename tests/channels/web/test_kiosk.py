"""Kiosk mode: a shared tablet that takes an answer, then returns to a blank form."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from intake.models import Contribution
from intake.runtime import Runtime
from tests.channels.web.helpers import hidden_fields, reference_on


def _submit(client: FlaskClient, **fields: str) -> TestResponse:
    page = client.get("/kiosk/demo?lang=fr").get_data(as_text=True)
    response = client.post("/kiosk/demo", data={**hidden_fields(page), **fields})
    assert response.status_code == 200
    return response


def test_the_kiosk_form_is_large_and_remembers_nothing(client: FlaskClient) -> None:
    html = client.get("/kiosk/demo?lang=fr").get_data(as_text=True)
    assert 'action="/kiosk/demo"' in html and 'autocomplete="off"' in html
    assert "min-height:72px" in html
    assert "<script" not in html


def test_after_sending_the_kiosk_returns_to_a_blank_form(
    client: FlaskClient, runtime: Runtime
) -> None:
    response = _submit(client, text="Plus de bancs", name="Jeanne")
    html = response.get_data(as_text=True)
    reference = reference_on(html)
    refresh = re.fullmatch(r"(\d+); url=(\S+)", response.headers["Refresh"])
    assert refresh and refresh.group(2) == "/kiosk/demo?lang=fr"
    assert 0 < int(refresh.group(1)) <= 120
    assert "Recommencer" in html and "/r/" not in html  # no link to this person's status
    # Whoever needs more time to copy the code turns the time limit off (WCAG 2.2.1).
    more_time = re.search(r'href="(/kiosk/demo/thanks/[^"]+)"', html)
    assert more_time
    kept = client.get(more_time.group(1).replace("&amp;", "&"))
    assert "Refresh" not in kept.headers and reference in kept.get_data(as_text=True)
    blank = client.get(refresh.group(2)).get_data(as_text=True)
    assert "Plus de bancs" not in blank and "Jeanne" not in blank
    with runtime.db.session() as session:
        stored = session.scalars(select(Contribution)).one()
    assert stored.reference == reference and stored.channel == "web"
    assert stored.answers == {"via": "kiosk"} and stored.language == "fr"


def test_a_kiosk_takes_more_answers_from_its_one_address_than_a_browser(
    client: FlaskClient, runtime: Runtime
) -> None:
    for n in range(runtime.settings.web_rate_limit + 2):
        _submit(client, text=f"avis {n}")
