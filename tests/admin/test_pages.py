"""Every staff page answers in Dutch, French and English, with its language declared."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from tests.admin.conftest import demo_id

PAGES = (
    "/admin/",
    "/admin/dashboard",
    "/admin/consultations",
    "/admin/consultations/new",
    "/admin/assisted",
    "/admin/privacy",
    "/admin/audit",
    "/admin/users",
)
HEADINGS = {"nl": "Wachtrij", "fr": "File d'attente", "en": "Queue"}


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_every_page_speaks_the_staff_language(
    signed_in: Callable[[str], FlaskClient],
    contribute: Callable[..., int],
    runtime: object,
    language: str,
) -> None:
    client = signed_in("admin")
    contribution = contribute(author_name="An")
    client.get(f"/admin/?lang={language}")  # remembered for the session
    paths = (*PAGES, f"/admin/c/{contribution}", f"/admin/consultations/{demo_id(runtime)}")  # type: ignore[arg-type]
    for path in paths:
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert f'<html lang="{language}"' in html, path
        assert HEADINGS[language] in html, path
        assert 'class="skip" href="#main"' in html, path


def test_the_login_page_follows_the_browser_language(client: FlaskClient) -> None:
    html = client.get("/admin/login", headers={"Accept-Language": "fr-BE"}).get_data(as_text=True)
    assert '<html lang="fr"' in html and "Se connecter" in html


def test_the_dashboard_draws_charts_with_their_numbers(
    signed_in: Callable[[str], FlaskClient], contribute: Callable[..., int]
) -> None:
    for channel in ("sms", "sms", "web"):
        contribute(channel=channel)
    html = signed_in("viewer").get("/admin/dashboard").get_data(as_text=True)
    assert html.count("<svg") == 3 and "<td>Sms</td><td>2</td>" in html
    assert "nooit" in html  # no worker has run yet
