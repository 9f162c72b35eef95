"""The platform's pages: municipalities and their usage, and nothing of any municipality's."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from intake.consultations import seed_demo
from intake.models import utcnow
from intake.reporting.spreadsheet import BOM
from intake.runtime import Runtime
from intake.staff import StaffError, create_user
from intake.tenancy import scoped
from intake.tenant_setup import TenantChanges, add_tenant
from intake.usage import month_of
from tests.admin.conftest import PASSWORD, add_user, demo_id, post, sign_in, token
from tests.cli import inspraak

MONTH = month_of(utcnow())


@pytest.fixture
def platform(app: Flask, runtime: Runtime) -> FlaskClient:
    """A client signed in with a platform account of the installation's own tenant."""
    add_user(runtime, "platform@inspraak.be", "platform")
    client = app.test_client()
    signed = sign_in(client, "platform@inspraak.be")
    assert signed.status_code == 302
    assert signed.headers["Location"].endswith("/admin/platform")
    return client


def test_platform_adds_a_municipality_and_sees_its_usage(
    platform: FlaskClient, contribute: object
) -> None:
    contribute(channel="web")  # type: ignore[operator]
    page = platform.get("/admin/platform")
    assert page.status_code == 200
    assert "Standaard" in page.get_data(as_text=True) or "default" in page.get_data(as_text=True)

    added = post(
        platform,
        "/admin/platform/tenants",
        {
            "name": "Gemeente Zoersel",
            "slug": "zoersel",
            "hosts": "inspraak.zoersel.be",
            "numbers": "+3230000001",
            "addresses": "inspraak@zoersel.be",
        },
        page="/admin/platform",
    )
    assert added.status_code == 302
    listed = platform.get("/admin/platform").get_data(as_text=True)
    for shown in ("Gemeente Zoersel", "inspraak.zoersel.be", "+3230000001", "inspraak@zoersel.be"):
        assert shown in listed

    # A short name the site itself serves is refused, with the reason.
    taken = post(
        platform,
        "/admin/platform/tenants",
        {"name": "Hooks", "slug": "hooks"},
        page="/admin/platform",
    )
    assert taken.status_code == 422
    assert "hooks" in taken.get_data(as_text=True)

    usage = platform.get(f"/admin/platform/usage?month={MONTH}").get_data(as_text=True)
    assert "Gemeente Zoersel" in usage
    assert "Bijdragen via" in usage
    csv = platform.get(f"/admin/platform/usage.csv?month={MONTH}")
    assert csv.status_code == 200
    lines = csv.get_data(as_text=True).removeprefix(BOM).splitlines()
    assert lines[0].startswith('"month";"tenant";"name";"contributions_web"')
    assert lines[1].startswith(f'"{MONTH}";"default";')
    assert lines[2].startswith(f'"{MONTH}";"zoersel";"Gemeente Zoersel";"0"')
    assert platform.get("/admin/platform/usage?month=2026-13").status_code == 400


def test_platform_sees_nothing_of_any_municipality(
    platform: FlaskClient, runtime: Runtime, contribute: object
) -> None:
    contribution_id = contribute(channel="web")  # type: ignore[operator]
    consultation_id = demo_id(runtime)
    for path in (
        "/admin/",
        f"/admin/c/{contribution_id}",
        "/admin/audit",
        "/admin/dashboard",
        "/admin/privacy",
        "/admin/users",
        "/admin/consultations",
    ):
        assert platform.get(path).status_code in (403, 404), path
    exported = post(
        platform,
        f"/admin/consultations/{consultation_id}/export",
        {"format": "csv"},
        page="/admin/platform",
    )
    assert exported.status_code in (403, 404)
    assert platform.get("/admin/account").status_code == 200


def test_municipal_staff_cannot_reach_the_platform(
    app: Flask, runtime: Runtime, signed_in: object
) -> None:
    admin = signed_in("admin")  # type: ignore[operator]
    assert admin.get("/admin/platform").status_code == 404
    assert admin.get("/admin/platform/usage.csv").status_code == 404

    with runtime.db.session() as session:
        tenant = add_tenant(session, runtime.media, "zoersel", TenantChanges(name="Zoersel"))
        session.commit()
        tenant_id = tenant.id
    runtime.tenants.forget()
    with scoped(tenant_id), runtime.db.session() as session:
        seed_demo(session)
        with pytest.raises(StaffError):
            create_user(session, "platform@zoersel.be", "platform", PASSWORD)
        session.rollback()
        create_user(session, "admin@zoersel.be", "admin", PASSWORD)
        session.commit()
    theirs = app.test_client()
    html = theirs.get("/zoersel/admin/login").get_data(as_text=True)
    signed = theirs.post(
        "/zoersel/admin/login",
        data={"csrf_token": token(html), "email": "admin@zoersel.be", "password": PASSWORD},
    )
    assert signed.status_code == 302
    assert theirs.get("/zoersel/admin/").status_code == 200
    assert theirs.get("/zoersel/admin/platform").status_code == 404


def test_the_command_makes_platform_accounts_on_the_installations_own_tenant_only(
    runtime: Runtime, tmp_path: Path
) -> None:
    with runtime.db.session() as session:
        add_tenant(session, runtime.media, "zoersel", TenantChanges(name="Zoersel"))
        session.commit()
    data_dir = tmp_path / "data"
    made = inspraak(
        data_dir, "user", "create", "ops@inspraak.be", "--role", "platform", "--password-stdin",
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert "created platform ops@inspraak.be" in made.stdout
    refused = inspraak(
        data_dir, "--tenant", "zoersel", "user", "create", "ops@zoersel.be", "--role",
        "platform", "--password-stdin", stdin=PASSWORD + "\n", check=False,
    )  # fmt: skip
    assert refused.returncode != 0
    assert "installation's own tenant" in refused.stderr
