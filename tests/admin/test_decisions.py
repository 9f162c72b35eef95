"""Staff write the municipality's decisions; residents read them on the results page."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select

from intake.models import AuditEvent, Decision
from intake.runtime import Runtime
from tests.admin.conftest import demo_id, post

FORM = {
    "decided_on": "2026-04-20",
    "nl_title": "Bankjes in de schaduw",
    "nl_body": "Er komen twaalf bankjes onder de bomen.",
    "fr_title": "Des bancs à l'ombre",
    "fr_body": "Douze bancs sous les arbres.",
    "en_title": "",
    "en_body": "",
}


def _decisions(runtime: Runtime) -> list[Decision]:
    with runtime.db.session() as session:
        return list(session.scalars(select(Decision).order_by(Decision.id)))


def _actions(runtime: Runtime) -> list[str]:
    with runtime.db.session() as session:
        query = select(AuditEvent.action).where(AuditEvent.action.like("decision.%"))
        return list(session.scalars(query.order_by(AuditEvent.id)))


def test_a_moderator_adds_edits_and_deletes_a_decision(
    signed_in: Callable[[str], FlaskClient], runtime: Runtime, client: FlaskClient
) -> None:
    staff = signed_in("moderator")
    base = f"/admin/consultations/{demo_id(runtime)}/decisions"
    assert f'href="{base}"' in staff.get(f"/admin/consultations/{demo_id(runtime)}").get_data(
        as_text=True
    )
    added = post(staff, base, FORM, page=base)
    assert added.status_code == 302 and added.location.endswith(f"{base}?done=added")
    html = staff.get(added.location).get_data(as_text=True)
    assert "Het besluit is toegevoegd." in html and "Bankjes in de schaduw" in html
    [decision] = _decisions(runtime)
    assert decision.decided_on.isoformat() == "2026-04-20"
    assert decision.texts == {
        "nl": {"title": "Bankjes in de schaduw", "body": "Er komen twaalf bankjes onder de bomen."},
        "fr": {"title": "Des bancs à l'ombre", "body": "Douze bancs sous les arbres."},
    }
    public = client.get("/c/demo/results?lang=en").get_data(as_text=True)
    assert "Bankjes in de schaduw" in public and '<time datetime="2026-04-20">' in public

    edit = f"{base}/{decision.id}"
    form = staff.get(edit).get_data(as_text=True)
    assert 'value="Bankjes in de schaduw"' in form and 'value="2026-04-20"' in form
    changed = post(staff, edit, {**FORM, "decided_on": "2026-05-01", "en_title": "Benches"}, edit)
    assert changed.status_code == 302
    [decision] = _decisions(runtime)
    assert decision.decided_on.isoformat() == "2026-05-01" and "en" in decision.texts
    assert "Benches" in client.get("/c/demo/results?lang=en").get_data(as_text=True)

    gone = post(staff, f"{edit}/delete", {}, base)
    assert gone.status_code == 302 and _decisions(runtime) == []
    assert "Het besluit is verwijderd." in staff.get(gone.location).get_data(as_text=True)
    assert _actions(runtime) == ["decision.add", "decision.edit", "decision.delete"]


def test_a_decision_needs_a_date_and_a_dutch_title(
    signed_in: Callable[[str], FlaskClient], runtime: Runtime
) -> None:
    staff = signed_in("moderator")
    base = f"/admin/consultations/{demo_id(runtime)}/decisions"
    response = post(
        staff, base, {**FORM, "decided_on": "", "nl_title": "", "en_body": "Only a body"}, base
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Geef de datum van het besluit." in html
    assert "Geef minstens een titel in het Nederlands." in html
    assert "Geef ook in deze taal een titel." in html
    # What was typed stays, and each field points at its message.
    assert "Douze bancs sous les arbres." in html and "Only a body" in html
    assert 'aria-describedby="decided_on-error" aria-invalid="true"' in html
    bad_day = post(staff, base, {**FORM, "decided_on": "20/04/2026"}, base)
    assert bad_day.status_code == 422
    assert "Geef een datum zoals 2026-03-01." in bad_day.get_data(as_text=True)
    assert _decisions(runtime) == [] and _actions(runtime) == []


def test_a_viewer_reads_the_decisions_but_cannot_change_them(
    signed_in: Callable[[str], FlaskClient], runtime: Runtime
) -> None:
    staff = signed_in("moderator")
    base = f"/admin/consultations/{demo_id(runtime)}/decisions"
    post(staff, base, FORM, page=base)
    [decision] = _decisions(runtime)
    viewer = signed_in("viewer")
    html = viewer.get(base).get_data(as_text=True)
    assert "Bankjes in de schaduw" in html and '<form method="post"' not in html.split("<main")[1]
    assert post(viewer, base, FORM, base).status_code == 403
    assert post(viewer, f"{base}/{decision.id}", FORM, base).status_code == 403
    assert post(viewer, f"{base}/{decision.id}/delete", {}, base).status_code == 403
    assert viewer.get(f"{base}/{decision.id}").status_code == 403
    assert len(_decisions(runtime)) == 1


def test_a_decision_belongs_to_its_consultation(
    signed_in: Callable[[str], FlaskClient], runtime: Runtime
) -> None:
    staff = signed_in("moderator")
    base = f"/admin/consultations/{demo_id(runtime)}/decisions"
    post(staff, base, FORM, page=base)
    [decision] = _decisions(runtime)
    assert staff.get("/admin/consultations/999/decisions").status_code == 404
    other = f"/admin/consultations/999/decisions/{decision.id}/delete"
    assert post(staff, other, {}, base).status_code == 404
    assert len(_decisions(runtime)) == 1
