"""Staff sign in at a real OpenID provider (Node's oidc-provider), and out there too."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from intake.config import Settings
from intake.models import AuditEvent, Role, StaffGrant, StaffSession, StaffUser
from intake.runtime import Runtime
from tests.admin.conftest import PASSWORD, add_user, demo_id, sign_in, token
from tests.conftest import make_settings
from tests.support.oidc import Provider, running_provider, sign_in_at, sign_out_at

ACCOUNTS = {
    "anna": {"email": "anna@gemeente.be", "groups": ["grp-participatie", "grp-alle"]},
    "mo": {"email": "Mo@Gemeente.be", "groups": ["grp-park", "grp-alle"]},
    "vic": {"email": "vic@gemeente.be", "groups": ["grp-lezers"]},
    "eve": {"email": "eve@gemeente.be", "groups": ["grp-kantine"]},
    "tom": {"email": "tom@gemeente.be", "groups": ["grp-lezers"]},
}
ROLES = "grp-participatie=admin,grp-park=moderator:demo,grp-lezers=viewer,grp-oud=viewer:weg"
HERE = "http://localhost"


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    """One provider for the whole module: starting Node is the slow part."""
    with running_provider(ACCOUNTS, [HERE]) as started:
        yield started


@pytest.fixture(autouse=True)
def _behaving(provider: Provider) -> Iterator[None]:
    yield
    provider.reset()


@pytest.fixture
def settings(tmp_path: Path, provider: Provider) -> Settings:
    """Settings with the provider, its groups mapped to roles."""
    return make_settings(tmp_path / "data", **provider.settings(INSPRAAK_OIDC_ROLES=ROLES))


def _begin(client: FlaskClient) -> str:
    started = client.get("/admin/login/oidc?next=/admin/consultations")
    assert started.status_code == 302
    return started.headers["Location"]


def _through_provider(provider: Provider, client: FlaskClient, login: str) -> TestResponse:
    """Sign in at the provider as `login` and bring the browser back to Inspraak."""
    back = sign_in_at(provider, requests.Session(), _begin(client), login)
    parts = urlsplit(back)
    assert f"{parts.scheme}://{parts.netloc}" == HERE
    return client.get(f"{parts.path}?{parts.query}")


def _user(runtime: Runtime, email: str) -> StaffUser | None:
    with runtime.db.session(write=False) as session:
        return session.scalar(select(StaffUser).where(StaffUser.email == email))


def _audit(runtime: Runtime, action: str) -> list[AuditEvent]:
    with runtime.db.session(write=False) as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_sign_in_page_offers_the_provider(client: FlaskClient) -> None:
    page = client.get("/admin/login").get_data(as_text=True)
    assert "Aanmelden met uw account van de gemeente" in page
    assert 'name="password"' in page


def test_the_provider_is_asked_for_a_code_with_pkce_state_and_nonce(
    client: FlaskClient, provider: Provider
) -> None:
    asked = urlsplit(_begin(client))
    query = parse_qs(asked.query)
    assert f"{asked.scheme}://{asked.netloc}" == provider.issuer
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["code_challenge"][0] and query["state"][0] and query["nonce"][0]
    assert "openid" in query["scope"][0].split()


def test_first_sign_in_creates_the_account_with_the_mapped_role(
    app: Flask, runtime: Runtime, provider: Provider
) -> None:
    client = app.test_client()
    back = _through_provider(provider, client, "mo")
    assert back.status_code == 302
    assert back.headers["Location"] == "/admin/consultations"
    assert client.get("/admin/").status_code == 200
    user = _user(runtime, "mo@gemeente.be")
    assert user is not None and user.oidc_subject == "mo" and user.role == Role.MODERATOR
    demo = demo_id(runtime)
    with runtime.db.session(write=False) as session:
        grants = session.scalars(select(StaffGrant).where(StaffGrant.staff_user_id == user.id))
        # grp-oud names a consultation that does not exist: it gives nothing.
        assert {(g.consultation_id, g.role) for g in grants} == {(demo, "moderator")}
    created = _audit(runtime, "user.create.oidc")
    assert [e.target_id for e in created] == [user.id]
    # A second sign-in finds the same account; it does not make another.
    again = app.test_client()
    assert _through_provider(provider, again, "mo").status_code == 302
    assert len(_audit(runtime, "user.create.oidc")) == 1


def test_a_group_mapped_to_admin_gives_the_admin_pages(
    app: Flask, runtime: Runtime, provider: Provider
) -> None:
    client = app.test_client()
    assert _through_provider(provider, client, "anna").status_code == 302
    assert client.get("/admin/users").status_code == 200
    user = _user(runtime, "anna@gemeente.be")
    assert user is not None and user.role == Role.ADMIN


def test_an_unmapped_group_is_refused(app: Flask, runtime: Runtime, provider: Provider) -> None:
    client = app.test_client()
    refused = _through_provider(provider, client, "eve")
    assert refused.status_code == 403
    assert "geeft (nog) geen toegang tot Inspraak" in refused.get_data(as_text=True)
    assert _user(runtime, "eve@gemeente.be") is None
    assert client.get("/admin/").status_code == 302
    assert [e.details["reason"] for e in _audit(runtime, "staff.login.refused")] == ["unmapped"]


def test_who_left_every_mapped_group_is_refused_and_signed_out_everywhere(
    app: Flask, runtime: Runtime, provider: Provider
) -> None:
    first = app.test_client()
    assert _through_provider(provider, first, "tom").status_code == 302
    assert first.get("/admin/").status_code == 200
    provider.move("tom", ["grp-kantine"])
    try:
        second = app.test_client()
        assert _through_provider(provider, second, "tom").status_code == 403
    finally:
        provider.move("tom", ["grp-lezers"])
    gone = first.get("/admin/")
    assert gone.status_code == 302 and "/admin/login" in gone.headers["Location"]
    user = _user(runtime, "tom@gemeente.be")
    assert user is not None
    with runtime.db.session(write=False) as session:
        assert not session.scalars(
            select(StaffSession).where(StaffSession.staff_user_id == user.id)
        ).all()
    refusal = _audit(runtime, "staff.login.refused")[-1]
    assert refusal.target_id == user.id and refusal.details["sessions_ended"] == 1


@pytest.mark.parametrize(
    ("switches", "before_code", "reason"),
    [
        # Groups changed on the way, the signature left as it was.
        ({"tamper": "1"}, False, "BadSignatureError"),
        # Issued by a provider whose clock says two hours ago: expired an hour ago.
        ({"clock": "-7200"}, False, "ExpiredTokenError"),
        # A nonce this browser never asked for: a code stolen from another sign-in.
        ({"nonce": "one-the-attacker-chose"}, True, "InvalidClaimError"),
    ],
    ids=["tampered", "expired", "foreign-nonce"],
)
def test_an_id_token_that_does_not_hold_is_refused(
    app: Flask,
    runtime: Runtime,
    provider: Provider,
    switches: dict[str, str],
    before_code: bool,
    reason: str,
) -> None:
    client = app.test_client()
    begun = _begin(client)
    if before_code:
        provider.set(**switches)
    back = sign_in_at(provider, requests.Session(), begun, "vic")
    if not before_code:
        provider.set(**switches)
    parts = urlsplit(back)
    refused = client.get(f"{parts.path}?{parts.query}")
    assert refused.status_code == 401
    assert "lukte niet" in refused.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    assert _user(runtime, "vic@gemeente.be") is None
    [refusal] = _audit(runtime, "staff.login.refused")
    assert refusal.details["reason"] == reason


def test_a_callback_with_another_state_is_refused(
    app: Flask, runtime: Runtime, provider: Provider
) -> None:
    victim, attacker = app.test_client(), app.test_client()
    _begin(victim)
    # The attacker's own code and state, delivered to the victim's browser (login CSRF).
    back = sign_in_at(provider, requests.Session(), _begin(attacker), "vic")
    parts = urlsplit(back)
    assert victim.get(f"{parts.path}?{parts.query}").status_code == 401
    forged = parts.query.replace("state=", "state=x")
    assert attacker.get(f"{parts.path}?{forged}").status_code == 401
    assert victim.get("/admin/").status_code == 302
    assert _user(runtime, "vic@gemeente.be") is None
    reasons = [e.details["reason"] for e in _audit(runtime, "staff.login.refused")]
    assert reasons == ["MismatchingStateError", "MismatchingStateError"]


def test_signing_out_ends_the_session_here_and_at_the_provider(
    app: Flask, provider: Provider
) -> None:
    client = app.test_client()
    browser = requests.Session()
    back = sign_in_at(provider, browser, _begin(client), "vic")
    parts = urlsplit(back)
    assert client.get(f"{parts.path}?{parts.query}").status_code == 302
    html = client.get("/admin/").get_data(as_text=True)
    out = client.post("/admin/logout", data={"csrf_token": token(html)})
    assert out.status_code == 302
    leaving = out.headers["Location"]
    assert leaving.startswith(f"{provider.issuer}/session/end")
    assert client.get("/admin/").status_code == 302
    assert sign_out_at(provider, browser, leaving) == f"{HERE}/admin/login"
    # The provider forgot the person too: the next sign-in asks for the password again.
    again = browser.get(_begin(client), allow_redirects=True, timeout=10)
    assert 'name="login"' in again.text


def test_passwords_can_be_kept_for_admins_only(
    tmp_path: Path, provider: Provider, runtime: Runtime
) -> None:
    from intake.app import create_app

    add_user(runtime, "nood@gemeente.be", "admin")
    add_user(runtime, "redactie@gemeente.be", "moderator")
    strict = make_settings(
        runtime.settings.data_dir,
        **provider.settings(INSPRAAK_OIDC_ROLES=ROLES, INSPRAAK_PASSWORD_SIGN_IN="admins"),
    )
    app = create_app(runtime_=replace(runtime, settings=strict))
    refused = sign_in(app.test_client(), "redactie@gemeente.be", PASSWORD)
    assert refused.status_code == 403
    assert "met de knop hieronder" in refused.get_data(as_text=True)
    assert sign_in(app.test_client(), "nood@gemeente.be", PASSWORD).status_code == 302


def test_passwords_can_be_switched_off(runtime: Runtime, provider: Provider) -> None:
    from intake.app import create_app

    add_user(runtime, "nood@gemeente.be", "admin")
    off = make_settings(
        runtime.settings.data_dir,
        **provider.settings(INSPRAAK_OIDC_ROLES=ROLES, INSPRAAK_PASSWORD_SIGN_IN="off"),
    )
    app = create_app(runtime_=replace(runtime, settings=off))
    client = app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    assert 'name="password"' not in page
    assert "Aanmelden met uw account van de gemeente" in page
    posted = client.post("/admin/login", data={"email": "nood@gemeente.be", "password": PASSWORD})
    assert posted.status_code in (400, 404)
    assert client.get("/admin/").status_code == 302


def test_a_local_account_with_the_same_address_is_linked_and_gets_the_mapped_role(
    app: Flask, runtime: Runtime, provider: Provider
) -> None:
    local = add_user(runtime, "vic@gemeente.be", "moderator")
    client = app.test_client()
    assert _through_provider(provider, client, "vic").status_code == 302
    user = _user(runtime, "vic@gemeente.be")
    assert user is not None and user.id == local
    assert user.oidc_subject == "vic" and user.role == Role.VIEWER
    [changed] = _audit(runtime, "user.access.oidc")
    assert changed.details["linked"] is True
    assert changed.details["role"] == {"was": "moderator", "now": "viewer"}
    # The password still opens it while passwords are on (the break-glass way in).
    assert sign_in(app.test_client(), "vic@gemeente.be", PASSWORD).status_code == 302


def test_an_unreachable_provider_gets_a_clear_message(runtime: Runtime) -> None:
    from intake.app import create_app
    from tests.server import free_port

    nowhere = make_settings(
        runtime.settings.data_dir,
        INSPRAAK_OIDC_ISSUER=f"http://127.0.0.1:{free_port()}",
        INSPRAAK_OIDC_CLIENT_ID="inspraak",
        INSPRAAK_OIDC_CLIENT_SECRET="secret",
    )
    app = create_app(runtime_=replace(runtime, settings=nowhere))
    answer = app.test_client().get("/admin/login/oidc")
    assert answer.status_code == 502
    assert "antwoordt niet" in answer.get_data(as_text=True)
