"""The public results page: counts, confirmed themes, published quotes, decisions, no secrets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import event

from intake import consultations
from intake.app import create_app
from intake.labels import channel_label, language_label
from intake.models import ConsultationStatus
from intake.runtime import Runtime
from tests.channels.web.helpers import reference_on, submit
from tests.channels.web.results_data import (
    DECISIONS,
    LABELS,
    SECRET_TEXT,
    SUGGESTED,
    Planted,
    plant_results,
)

PAGE_LIMIT = 30 * 1024
MAX_QUERIES = 8


@pytest.fixture
def planted(any_runtime: Runtime) -> Planted:
    """The planted consultation with results, on SQLite and on PostgreSQL."""
    with any_runtime.db.session() as session:
        facts = plant_results(session)
        session.commit()
    consultations.forget_cached()
    return facts


@pytest.fixture
def results_client(any_runtime: Runtime) -> Iterator[FlaskClient]:
    """A test client of an app on the parametrised database."""
    app = create_app(runtime_=any_runtime)
    app.config["TESTING"] = True
    yield app.test_client()
    consultations.forget_cached()


def _rows(html: str, heading_id: str) -> dict[str, int]:
    table = html.split(f'<table aria-labelledby="{heading_id}">')[1].split("</tbody>")[0]
    return {
        label: int(n) for label, n in re.findall(r"<th scope=\"row\">([^<]+)</th><td>(\d+)", table)
    }


def _without_quotes(html: str, planted: Planted) -> str:
    for quote in planted.quotes:
        html = html.replace(str(escape(quote)), "")
    return html


def test_the_page_adds_up_and_shows_only_what_staff_published(
    results_client: FlaskClient, planted: Planted, any_runtime: Runtime
) -> None:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(any_runtime.db.engine, "before_cursor_execute", count)
    try:
        response = results_client.get(f"/c/{planted.slug}/results?lang=nl")
    finally:
        event.remove(any_runtime.db.engine, "before_cursor_execute", count)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    # Grouped queries, not one per theme or quote.
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= MAX_QUERIES
    assert len(response.data) < PAGE_LIMIT, len(response.data)
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert "Accept-Language" in response.headers["Vary"]
    assert "Set-Cookie" not in response.headers
    assert "<script" not in html

    total = sum(planted.per_channel.values())
    assert planted.duplicates > 0  # resent copies exist, and are left out of every count
    assert f"{total} bijdragen kwamen binnen." in html
    assert "als dubbel markeerde, tellen niet mee" in html
    channels = {channel_label(k): n for k, n in planted.per_channel.items()}
    languages = {language_label(k): n for k, n in planted.per_language.items()}
    assert _rows(html, "chart-1") == channels and _rows(html, "chart-2") == languages
    assert sum(_rows(html, "chart-1").values()) == sum(_rows(html, "chart-2").values()) == total
    assert html.count("<svg") == 2

    for topic, n in planted.theme_counts.items():
        assert f">{LABELS[topic]['nl']}</h3>\n<p>{n} bijdragen</p>" in html
    assert SUGGESTED not in html
    sections = html.split("<h2>")
    for quote, topic in planted.quotes.items():
        where = next(s for s in sections if str(escape(quote)) in s)
        if topic is None:
            assert where.startswith("Andere reacties")
        else:
            theme = where.split(str(escape(quote)))[0].rsplit("<h3", 1)[1]
            assert LABELS[topic]["nl"] in theme
    assert "Dubbel citaat" not in html
    assert html.count("<blockquote") == len(planted.quotes)
    assert "Via Sms" in html or "Via Website" in html

    for decided_on, texts in DECISIONS:
        assert f'<time datetime="{decided_on.isoformat()}">' in html
        assert texts["nl"]["title"] in html
    titles = re.findall(r'<h3 id="decision-\d">([^<]+)</h3>', html)
    assert titles == [
        "Fietsstraat in de Schoolstraat",
        "Zestig nieuwe bomen",
        "Eerste antwoord van het college",
    ]
    assert "15 juni 2026" in html

    rest = _without_quotes(html, planted)
    assert SECRET_TEXT not in html
    assert [t for t in planted.unpublished if str(escape(t)) in rest] == []
    assert [n for n in planted.names if n in html] == []
    assert [p for p in planted.postcodes if re.search(rf"\b{p}\b", rest)] == []
    assert [r for r in planted.references if r in html] == []
    assert [p for p in planted.phones if p in html] == []


@pytest.mark.parametrize(
    ("lang", "heading", "phone", "decision"),
    [
        ("fr", "Arbres et ombre", "Téléphone", "Soixante nouveaux arbres"),
        ("en", "Trees and shade", "Phone", "Sixty new trees"),
    ],
)
def test_the_page_speaks_the_visitors_language(
    results_client: FlaskClient,
    planted: Planted,
    lang: str,
    heading: str,
    phone: str,
    decision: str,
) -> None:
    html = results_client.get(f"/c/{planted.slug}/results?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}"' in html
    assert f">{heading}</h3>" in html
    assert f'<th scope="row">{phone}</th>' in html
    assert f">{decision}</h3>" in html
    # Written in Dutch only: shown in Dutch, and marked as such for screen readers.
    assert '<article lang="nl" aria-labelledby="decision-3">' in html
    assert "Eerste antwoord van het college" in html
    assert ("Our neighbourhood" if lang == "en" else "Notre quartier") in html


def test_a_draft_or_unknown_consultation_has_no_results_page(
    results_client: FlaskClient, planted: Planted, any_runtime: Runtime
) -> None:
    assert results_client.get(f"/c/{planted.slug}/results").status_code == 200
    with any_runtime.db.session() as session:
        consultations.set_status(session, planted.slug, ConsultationStatus.DRAFT)
        session.commit()
    consultations.forget_cached()
    assert results_client.get(f"/c/{planted.slug}/results").status_code == 404
    assert results_client.get("/c/nope/results").status_code == 404


def test_the_form_index_and_status_pages_lead_to_the_results(
    client: FlaskClient, runtime: Runtime
) -> None:
    link = 'href="/c/demo/results?lang=fr"'
    assert link in client.get("/c/demo?lang=fr").get_data(as_text=True)
    assert link in client.get("/?lang=fr").get_data(as_text=True)
    reference = reference_on(submit(client, lang="fr", text="Des bancs").get_data(as_text=True))
    status = client.get(f"/r/{reference}?lang=fr").get_data(as_text=True)
    assert link in status
    with runtime.db.session() as session:
        consultations.set_status(session, "demo", ConsultationStatus.CLOSED)
        session.commit()
    consultations.forget_cached()
    index = client.get("/").get_data(as_text=True)
    assert 'href="/c/demo/results?lang=nl"' in index and 'href="/c/demo?' not in index


def test_a_consultation_without_answers_yet_says_so(client: FlaskClient) -> None:
    html = client.get("/c/demo/results").get_data(as_text=True)
    assert "0 bijdragen kwamen binnen." in html
    assert "<svg" not in html and html.count("Nog geen bijdragen.") == 2
    assert "De gemeente heeft nog niet geantwoord." in html
    assert "<blockquote" not in html
