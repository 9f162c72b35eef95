"""Signing in: argon2 passwords, one generic error, rate limits, roles, CSRF, time-outs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from intake.models import AuditEvent, StaffSession, utcnow
from intake.runtime import Runtime
from tests.admin.conftest import add_user, post, sign_in, token


def test_every_staff_page_needs_a_sign_in(client: FlaskClient) -> None:
    for path in (
        "/admin/",
        "/admin/c/1",
        "/admin/dashboard",
        "/admin/consultations",
        "/admin/privacy",
        "/admin/audit",
        "/admin/users",
        "/admin/media/1",
        "/admin/assisted",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/admin/login"), path
    assert client.post("/admin/c/1/status", data={}).status_code == 400  # CSRF first


def test_signing_in_opens_the_queue_and_signing_out_ends_it(
    client: FlaskClient, runtime: Runtime
) -> None:
    add_user(runtime, "an@gemeente.be", "viewer")
    response = sign_in(client, "AN@gemeente.be")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    page = client.get("/admin/")
    assert page.status_code == 200 and "Wachtrij" in page.get_data(as_text=True)
    assert post(client, "/admin/logout", {}).status_code == 302
    assert client.get("/admin/").status_code == 302


def test_a_wrong_password_and_an_unknown_account_get_the_same_answer(
    client: FlaskClient, runtime: Runtime
) -> None:
    add_user(runtime, "an@gemeente.be", "viewer")
    wrong = sign_in(client, "an@gemeente.be", "not the password")
    unknown = sign_in(client, "nobody@gemeente.be")
    assert wrong.status_code == unknown.status_code == 401
    message = "Aanmelden lukte niet. Kijk uw e-mailadres en wachtwoord na."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)


def test_guessing_is_stopped_per_account_even_with_the_right_password(
    client: FlaskClient, runtime: Runtime
) -> None:
    add_user(runtime, "an@gemeente.be", "admin")
    for _ in range(5):
        assert sign_in(client, "an@gemeente.be", "guess guess guess").status_code == 401
    paused = sign_in(client, "an@gemeente.be")
    assert paused.status_code == 401 and "Aanmelden lukte niet" in paused.get_data(as_text=True)


def test_guessing_is_stopped_per_address(app: Flask, runtime: Runtime) -> None:
    add_user(runtime, "an@gemeente.be", "admin")
    client = app.test_client()
    codes = [sign_in(client, f"x{i}@gemeente.be").status_code for i in range(20)]
    assert codes == [401] * 20
    assert sign_in(client, "an@gemeente.be").status_code == 401
    other_address = app.test_client()
    other_address.environ_base = {"REMOTE_ADDR": "192.0.2.7"}
    assert sign_in(other_address, "an@gemeente.be").status_code == 302


def test_a_form_without_the_sessions_token_is_refused(
    signed_in: Callable[[str], FlaskClient], contribute: Callable[..., int]
) -> None:
    client = signed_in("moderator")
    contribution = contribute()
    response = client.post(f"/admin/c/{contribution}/note", data={"note": "x"})
    assert response.status_code == 400
    response = client.post(
        f"/admin/c/{contribution}/note", data={"note": "x", "csrf_token": "forged"}
    )
    assert response.status_code == 400


def test_an_idle_session_ends(app: Flask, runtime: Runtime) -> None:
    add_user(runtime, "an@gemeente.be", "viewer")
    client = app.test_client()
    sign_in(client, "an@gemeente.be")
    with runtime.db.session() as session:
        session.execute(update(StaffSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
        session.commit()
    response = client.get("/admin/")
    assert response.status_code == 302 and "expired=1" in response.headers["Location"]
    with runtime.db.session() as session:
        assert session.scalars(select(StaffSession)).all() == []


def test_a_switched_off_account_is_signed_out(app: Flask, runtime: Runtime) -> None:
    user_id = add_user(runtime, "an@gemeente.be", "viewer")
    client = app.test_client()
    sign_in(client, "an@gemeente.be")
    from intake.models import StaffUser

    with runtime.db.session() as session:
        session.get(StaffUser, user_id).active = False  # type: ignore[union-attr]
        session.commit()
    assert client.get("/admin/").status_code == 302


def test_each_role_is_refused_what_it_may_not_do(
    signed_in: Callable[[str], FlaskClient], contribute: Callable[..., int], runtime: Runtime
) -> None:
    contribution = contribute(phone="+32470111222")
    moderator_only = [
        (f"/admin/c/{contribution}/text", {"text": "x"}),
        (f"/admin/c/{contribution}/status", {"status": "accepted"}),
        (f"/admin/c/{contribution}/tags", {"tags": "a"}),
        (f"/admin/c/{contribution}/note", {"note": "a"}),
        (f"/admin/c/{contribution}/assign", {"assignee": ""}),
        (f"/admin/c/{contribution}/reply", {"body": "Dag"}),
        (f"/admin/c/{contribution}/personal", {}),
        ("/admin/assisted", {"text": "x"}),
        ("/admin/consultations/1/export", {"format": "csv"}),
    ]
    admin_only = [
        ("/admin/consultations/save", {"slug": "x"}),
        ("/admin/consultations/1/status", {"action": "close"}),
        ("/admin/consultations/1/export", {"format": "csv", "personal": "1"}),
        ("/admin/privacy", {"kind": "phone", "address": "+32470111222"}),
        ("/admin/privacy/1/erase", {"confirm": "1"}),
        ("/admin/privacy/1/export", {}),
        ("/admin/users", {"email": "x@y.be", "role": "admin", "password": "x" * 12}),
        ("/admin/jobs/1/retry", {}),
    ]
    viewer, moderator = signed_in("viewer"), signed_in("moderator")
    for path, data in moderator_only + admin_only:
        assert post(viewer, path, data).status_code == 403, path
    for path, data in admin_only:
        assert post(moderator, path, data).status_code == 403, path
    for path in ("/admin/privacy", "/admin/audit", "/admin/users", "/admin/consultations/new"):
        assert moderator.get(path).status_code == 403, path
    assert viewer.get(f"/admin/c/{contribution}").status_code == 200
    html = viewer.get(f"/admin/c/{contribution}").get_data(as_text=True)
    assert "Status bewaren" not in html and "+32470111222" not in html
    with runtime.db.session() as session:
        assert session.scalars(select(AuditEvent.action)).all().count("personal.view") == 0


def test_login_keeps_the_page_asked_for_but_never_leaves_the_site(
    client: FlaskClient, runtime: Runtime
) -> None:
    add_user(runtime, "an@gemeente.be", "viewer")
    asked = client.get("/admin/dashboard").headers["Location"]
    html = client.get(asked).get_data(as_text=True)
    response = client.post(
        asked,
        data={
            "csrf_token": token(html),
            "email": "an@gemeente.be",
            "password": "correct horse battery",
        },
    )
    assert response.headers["Location"] == "/admin/dashboard"
    client2 = client.application.test_client()
    html = client2.get("/admin/login").get_data(as_text=True)
    response = client2.post(
        "/admin/login?next=https://evil.example/admin",
        data={
            "csrf_token": token(html),
            "email": "an@gemeente.be",
            "password": "correct horse battery",
        },
    )
    assert response.headers["Location"] == "/admin/"
