"""Closed questions on the web form and the kiosk: radio buttons, required checked by the server."""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.models import Answer, Contribution
from intake.runtime import Runtime
from tests.browser import axe_violations, chromium
from tests.channels.web.helpers import hidden_fields, reference_on, submit
from tests.cli import inspraak
from tests.server import running_server
from tests.support.questions import load_park, park


@pytest.fixture
def park_client(runtime: Runtime, client: FlaskClient) -> FlaskClient:
    with runtime.db.session() as session:
        park(session)
        session.commit()
    return client


def _answers(runtime: Runtime) -> list[tuple[str, str, str, str]]:
    with runtime.db.session() as session:
        rows = session.execute(
            select(Contribution.reference, Answer).join(
                Answer, Answer.contribution_id == Contribution.id
            )
        ).all()
        return sorted((ref, a.question.key, a.option, a.evidence["source"]) for ref, a in rows)


def test_each_question_is_a_fieldset_of_radio_buttons(park_client: FlaskClient) -> None:
    html = park_client.get("/c/park?lang=fr").get_data(as_text=True)
    assert "<legend>À quelle fréquence utiliseriez-vous le parc ? " in html
    assert re.search(
        r'<input type="radio" id="q-often-3" name="q-often" value="3" required> Rarement', html
    )
    assert '<input type="radio" id="q-dogs-1" name="q-dogs" value="1"> Oui' in html
    assert "<script" not in html


def test_a_required_question_left_out_is_an_error_tied_to_it(
    park_client: FlaskClient, runtime: Runtime
) -> None:
    response = submit(park_client, "park", lang="en", text="More trees", **{"q-dogs": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<fieldset class="question" aria-describedby="q-often-error">' in html
    assert 'id="q-often-error">This question is required. Choose an answer.</span>' in html
    assert 'value="1" checked aria-invalid' not in html  # the other question stays as it was
    assert 'name="q-dogs" value="1" checked>' in html and "More trees" in html
    assert _answers(runtime) == []


def test_answers_are_stored_with_the_contribution(
    park_client: FlaskClient, runtime: Runtime
) -> None:
    response = submit(park_client, "park", text="Meer bomen", **{"q-often": "2"})
    reference = reference_on(response.get_data(as_text=True))
    assert _answers(runtime) == [(reference, "often", "2", "web")]
    page = park_client.get("/kiosk/park")
    fields = {**hidden_fields(page.get_data(as_text=True)), "text": "Bankjes", "q-often": "9"}
    assert park_client.post("/kiosk/park", data=fields).status_code == 422
    fields.update({"q-often": "1", "q-dogs": "2"})
    kiosk = reference_on(park_client.post("/kiosk/park", data=fields).get_data(as_text=True))
    assert sorted(_answers(runtime)) == sorted(
        [
            (reference, "often", "2", "web"),
            (kiosk, "dogs", "2", "web"),
            (kiosk, "often", "1", "web"),
        ]
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real server with the park consultation and its two questions."""
    data_dir = tmp_path_factory.mktemp("questions")
    inspraak(data_dir, "db", "upgrade")
    load_park(data_dir)
    with running_server(data_dir) as base:
        yield base


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_the_questions_pass_axe_with_and_without_errors(site: str, lang: str) -> None:
    with chromium() as browser:
        page = browser.new_page(java_script_enabled=True)
        checked = {}
        for path in ("/c/park", "/kiosk/park"):
            page.goto(f"{site}{path}?lang={lang}")
            checked[path] = axe_violations(page)
        # `required` stops a modern browser; post as an older one would, to see the errors.
        page.goto(f"{site}/c/park?lang={lang}")
        page.evaluate(
            "document.querySelectorAll('[required]').forEach(e => e.removeAttribute('required'))"
        )
        page.fill("#text", "Meer bomen")
        page.click("button[type=submit]")
        assert page.locator("#q-often-error").count() == 1
        checked["errors"] = axe_violations(page)
        page.check("#q-often-3")
        page.check("#q-dogs-1")
        page.click("button[type=submit]")
        assert page.locator(".ref").count() == 1
        assert {path: v for path, v in checked.items() if v} == {}


def test_the_questions_read_in_order_in_w3m(site: str) -> None:
    if shutil.which("w3m") is None:
        pytest.skip("needs w3m (make test installs it)")
    dump = subprocess.run(
        ["w3m", "-dump", "-cols", "80", f"{site}/c/park?lang=en"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    expected = [
        "What would you like in the new park?",
        "How often would you use the park?",
        "Required",
        "( ) Every day",
        "Every week",
        "Rarely",
        "Do you want a dog park?",
        "( ) Yes",
        "( ) No",
        "Your name",
        "Send",
    ]
    positions = [dump.find(text) for text in expected]
    assert -1 not in positions, dump
    assert positions == sorted(positions), dump
