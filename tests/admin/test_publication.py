"""Staff choose which words may be quoted on the public results page, and shorten them."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select

from intake.models import AuditEvent, ReviewState
from intake.reporting.results import QUOTE_MAX
from intake.runtime import Runtime
from tests.admin.conftest import post

LONG = (
    "Ik ben Marie Peeters uit de Kerkstraat 4 en ik vind dat er veel meer bomen moeten komen "
    "in het park, want in de zomer is het er veel te heet voor de kinderen. Ook de bankjes "
    "staan allemaal in de volle zon, en wie oud is of slecht te been kan nergens rusten."
)


def _state(runtime: Runtime, contribution_id: int) -> ReviewState | None:
    with runtime.db.session() as session:
        return session.get(ReviewState, contribution_id)


def test_a_moderator_publishes_a_shortened_quote_without_the_name(
    signed_in: Callable[[str], FlaskClient],
    contribute: Callable[..., int],
    runtime: Runtime,
    client: FlaskClient,
) -> None:
    contribution = contribute(LONG, channel="web", author_name="Marie Peeters", postcode="9000")
    staff = signed_in("moderator")
    page = f"/admin/c/{contribution}"
    assert "Deze bijdrage staat niet op de resultatenpagina." in staff.get(page).get_data(
        as_text=True
    )
    assert LONG not in client.get("/c/demo/results").get_data(as_text=True)

    quote = "Er moeten veel meer bomen komen in het park, want in de zomer is het te heet."
    saved = post(staff, f"{page}/publication", {"publishable": "1", "quote": quote}, page)
    assert saved.status_code == 302 and saved.location.endswith(f"{page}?done=publication")
    html = staff.get(saved.location).get_data(as_text=True)
    assert "De keuze voor de resultatenpagina is bewaard." in html
    assert "Deze bijdrage mag op de resultatenpagina staan." in html
    assert f">{quote}</textarea>" in html and 'name="publishable" value="1" checked' in html
    state = _state(runtime, contribution)
    assert state is not None and state.publishable and state.public_quote == quote

    public = client.get("/c/demo/results").get_data(as_text=True)
    assert quote in public and "Via Website" in public
    assert "Marie Peeters" not in public and "9000" not in public and "Kerkstraat 4" not in public

    # Without a quote, the start of the resident's own text is shown, cut at a word.
    post(staff, f"{page}/publication", {"publishable": "1", "quote": ""}, page)
    public = client.get("/c/demo/results").get_data(as_text=True)
    assert LONG[:200] in public and LONG not in public and "…</p></blockquote>" in public
    assert quote not in public

    post(staff, f"{page}/publication", {"quote": quote}, page)
    state = _state(runtime, contribution)
    assert state is not None and not state.publishable and state.public_quote == quote
    assert "Marie Peeters" not in client.get("/c/demo/results").get_data(as_text=True)
    with runtime.db.session() as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "contribution.publication")
            .order_by(AuditEvent.id)
        ).all()
    assert [(e.details["publishable"], e.details["quote"]) for e in events] == [
        (True, True),
        (True, False),
        (False, True),
    ]
    assert all(quote not in str(e.details) for e in events)


def test_a_quote_too_long_is_refused_with_the_reason(
    signed_in: Callable[[str], FlaskClient], contribute: Callable[..., int], runtime: Runtime
) -> None:
    contribution = contribute(LONG, channel="web")
    staff = signed_in("moderator")
    page = f"/admin/c/{contribution}"
    response = post(
        staff, f"{page}/publication", {"publishable": "1", "quote": "x" * (QUOTE_MAX + 1)}, page
    )
    assert response.status_code == 422
    assert f"Het citaat is te lang (hoogstens {QUOTE_MAX} tekens)." in response.get_data(
        as_text=True
    )
    state = _state(runtime, contribution)
    assert state is None or not state.publishable


def test_a_viewer_cannot_publish(
    signed_in: Callable[[str], FlaskClient], contribute: Callable[..., int], runtime: Runtime
) -> None:
    contribution = contribute(LONG)
    viewer = signed_in("viewer")
    page = f"/admin/c/{contribution}"
    html = viewer.get(page).get_data(as_text=True)
    assert "Deze bijdrage staat niet op de resultatenpagina." in html
    assert 'name="publishable"' not in html
    refused = post(viewer, f"{page}/publication", {"publishable": "1"}, page)
    assert refused.status_code == 403
    state = _state(runtime, contribution)
    assert state is None or not state.publishable
