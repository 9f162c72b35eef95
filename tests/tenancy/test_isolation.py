"""Staff of one municipality reach nothing of another's: every route, every export.

The walk takes every route of the app that names a record, fills in Gemeente B's
identifiers, and asks as the default municipality's admin: each answers 404 and changes
nothing. The pages and exports without identifiers never show B's words.
"""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from intake.inbound import Inbound
from intake.models import AuditEvent, Consultation, Contribution, ContributionStatus, Job, StaffUser
from intake.receive import receive
from intake.runtime import Runtime
from intake.tenancy import every_tenant, scoped
from tests.admin.conftest import add_user, sign_in, token
from tests.tenancy.conftest import B_HOST, B_PHONE, B_TEXT, TenantB, browser_on

A_TEXT = "Meer bankjes langs de Schelde"
# Routes that name no record of a municipality, or that answer outsiders by design.
NOT_RECORDS = {"static", "telegram.tenant_webhook", "web.confirm_link", "web.confirm_link_post"}

# What the forms ask for, filled in as staff who meant it would: confirmed, with a text.
FORM = {"confirm": "1", "text": "x", "body": "x", "status": "accepted", "tags": "b"}


def _values(b: TenantB) -> dict[str, object]:
    return {
        "contribution_id": b.contribution_id,
        "consultation_id": b.consultation_id,
        "question_id": b.question_id,
        "decision_id": b.decision_id,
        "job_id": b.job_id,
        "attachment_id": b.attachment_id,
        "contributor_id": b.contributor_id,
        "theme_id": b.theme_id,
        "user_id": b.user_id,
        "grant_id": b.grant_id,
        "slug": b.only_slug,
        "reference": b.reference,
    }


def _admin_of_a(app: Flask, runtime: Runtime) -> FlaskClient:
    add_user(runtime, "admin@gemeente-a.be", "admin")
    client = app.test_client()
    assert sign_in(client, "admin@gemeente-a.be").status_code == 302
    return client


def test_every_route_with_another_municipalitys_identifiers_is_not_found(
    two_app: Flask, any_runtime: Runtime, gemeente_b: TenantB
) -> None:
    client = _admin_of_a(two_app, any_runtime)
    csrf = token(client.get("/admin/").get_data(as_text=True))
    values = _values(gemeente_b)
    walked = []
    for rule in two_app.url_map.iter_rules():
        if not rule.arguments or rule.endpoint in NOT_RECORDS:
            continue
        path = rule.build(values)[1]  # type: ignore[index]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):  # type: ignore[operator]
            if method == "GET":
                response = client.get(path)
            else:
                response = client.post(path, data=FORM | {"csrf_token": csrf})
            assert response.status_code == 404, (method, path, response.status_code)
            walked.append((method, rule.endpoint))
    assert len(walked) >= 50
    with scoped(gemeente_b.tenant_id), any_runtime.db.session() as session:
        contribution = session.get(Contribution, gemeente_b.contribution_id)
        assert contribution is not None
        assert contribution.text == B_TEXT
        assert contribution.status == ContributionStatus.NEW
        assert contribution.attachments  # not erased
        assert session.get(StaffUser, gemeente_b.user_id) is not None
        assert session.get(Job, gemeente_b.job_id) is not None


def test_pages_and_exports_never_show_another_municipalitys_words(
    two_app: Flask, any_runtime: Runtime, gemeente_b: TenantB
) -> None:
    with any_runtime.db.session() as session:
        demo_id = session.scalars(select(Consultation.id).where(Consultation.slug == "demo")).one()
        receive(
            session,
            Inbound(channel="web", language="nl", text=A_TEXT, consultation_id=demo_id),
        )
        session.commit()
    client = _admin_of_a(two_app, any_runtime)
    html = client.get("/admin/").get_data(as_text=True)
    assert A_TEXT in html
    csrf = token(html)
    seen = []
    for rule in two_app.url_map.iter_rules():
        if rule.arguments or "GET" not in rule.methods:  # type: ignore[operator]
            continue
        if rule.endpoint.startswith(("admin.logout", "admin.oidc", "static")):
            continue
        response = client.get(rule.rule + ("?q=brug" if rule.endpoint == "admin.queue" else ""))
        seen.append(response.get_data(as_text=True))
    demo = re.search(
        r"/admin/consultations/(\d+)", client.get("/admin/consultations").get_data(as_text=True)
    )
    assert demo is not None
    for kind in ("csv", "json"):
        exported = client.post(
            f"/admin/consultations/{demo.group(1)}/export",
            data={"csrf_token": csrf, "format": kind, "personal": "1"},
        )
        assert exported.status_code == 200
        assert A_TEXT in exported.get_data(as_text=True)
        seen.append(exported.get_data(as_text=True))
    found = client.post("/admin/privacy", data={"csrf_token": csrf, "address": B_PHONE})
    seen.append(found.get_data(as_text=True))
    everything = "\n".join(seen)
    for words in ("fietsbrug", "Nete", gemeente_b.reference, "staf@gemeente-b.be", "b.dead"):
        assert words not in everything


def test_b_sees_its_own_and_its_audit_log_holds_only_its_own(
    two_app: Flask, any_runtime: Runtime, gemeente_b: TenantB
) -> None:
    client = browser_on(two_app, B_HOST)
    assert sign_in(client, "staf@gemeente-b.be").status_code == 302
    page = client.get(f"/admin/c/{gemeente_b.contribution_id}")
    assert page.status_code == 200
    assert "fietsbrug over de Nete" in page.get_data(as_text=True)
    with client.get(f"/admin/media/{gemeente_b.attachment_id}") as original:
        assert original.status_code == 200
        assert original.get_data() == b"RIFF....WAVEfmt voice of B"
    _admin_of_a(two_app, any_runtime)
    with scoped(gemeente_b.tenant_id), any_runtime.db.session() as session:
        own = session.scalars(select(AuditEvent.action)).all()
    with any_runtime.db.session() as session:
        of_a = session.scalars(select(AuditEvent.action)).all()
        every = session.scalar(
            select(func.count()).select_from(AuditEvent).execution_options(**every_tenant())
        )
    # Each municipality's log holds its own sign-ins and views, and together they are all.
    assert "staff.login" in own and "staff.login" in of_a
    assert len(own) + len(of_a) == every


def test_the_same_address_signs_in_to_each_municipality_separately(
    two_app: Flask, any_runtime: Runtime, gemeente_b: TenantB
) -> None:
    # B's member of staff is unknown on A's host.
    assert sign_in(two_app.test_client(), "staf@gemeente-b.be").status_code != 302
    on_b = browser_on(two_app, B_HOST)
    assert sign_in(on_b, "staf@gemeente-b.be").status_code == 302
    # The cookie B's sign-in gave, taken to A's host, opens nothing there.
    stolen = on_b.get_cookie("inspraak_staff", domain=B_HOST)
    assert stolen is not None
    on_a = two_app.test_client()
    on_a.set_cookie("inspraak_staff", stolen.value)
    assert on_a.get("/admin/").status_code == 302
    assert "/admin/login" in on_a.get("/admin/").headers["Location"]
