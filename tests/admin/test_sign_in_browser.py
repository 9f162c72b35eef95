"""Sign-in through the provider in headless Chromium; the new staff pages pass axe-core."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.admin.conftest import PASSWORD
from tests.browser import axe_violations, chromium
from tests.cli import inspraak
from tests.server import free_port, running_server
from tests.support.oidc import running_provider

pytestmark = pytest.mark.browser

ACCOUNTS = {
    "mo": {"email": "mo@gemeente.be", "groups": ["grp-demo"]},
    "eve": {"email": "eve@gemeente.be", "groups": ["grp-kantine"]},
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real server signing in at a real provider, with a local admin account."""
    data_dir = tmp_path_factory.mktemp("signin")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running_provider(ACCOUNTS, [base]) as provider:
        env = provider.settings(INSPRAAK_OIDC_ROLES="grp-demo=moderator:demo")
        inspraak(data_dir, "db", "upgrade")
        inspraak(data_dir, "demo")
        inspraak(
            data_dir,
            "user",
            "create",
            "beheer@gemeente.be",
            "--role",
            "admin",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        with running_server(data_dir, port=port, **env) as served:
            yield served


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module."""
    with chromium() as instance:
        yield instance


def _at_provider(page: Any, base: str, login: str, lang: str) -> None:
    page.goto(f"{base}/admin/login?lang={lang}")
    with page.expect_navigation():
        page.click("a.button")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any password")
    with page.expect_navigation(url=f"{base}/admin/**"):
        page.click("button[type=submit]")


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_sign_in_pages_have_no_axe_violations(site: str, browser: Any, lang: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    checked = {}
    page.goto(f"{site}/admin/login?lang={lang}")
    checked["login"] = axe_violations(page)
    _at_provider(page, site, "eve", lang)
    assert page.locator("#login-error").is_visible()
    checked["refused"] = axe_violations(page)
    context.close()
    # Another browser: the provider remembers whom it signed in.
    context = browser.new_context()
    page = context.new_page()
    _at_provider(page, site, "mo", lang)
    assert page.url == f"{site}/admin/"
    assert page.locator("form[action$='/logout']").count() == 1
    context.close()
    admin = browser.new_context()
    page = admin.new_page()
    page.goto(f"{site}/admin/login?lang={lang}")
    page.fill("#email", "beheer@gemeente.be")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    page.goto(f"{site}/admin/users")
    checked["users"] = axe_violations(page)
    with page.expect_navigation():
        page.click("a[href$='/access']")
    checked["access"] = axe_violations(page)
    page.select_option("#grant-role", "viewer")
    with page.expect_navigation():
        page.click("form[action$='/access'] button[type=submit]")
    checked["access saved"] = axe_violations(page)
    admin.close()
    assert {name: v for name, v in checked.items() if v} == {}
