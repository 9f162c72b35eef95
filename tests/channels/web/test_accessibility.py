"""Every public page passes axe-core in headless Chromium and works without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import axe_violations, chromium
from tests.cli import inspraak
from tests.server import running_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real server with the demo consultation."""
    data_dir = tmp_path_factory.mktemp("a11y")
    inspraak(data_dir, "db", "upgrade")
    inspraak(data_dir, "demo")
    with running_server(data_dir) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Any:
    """One headless Chromium for the module."""
    with chromium() as instance:
        yield instance


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_public_pages_have_no_axe_violations(site: str, browser: Any, lang: str) -> None:
    page = browser.new_page(java_script_enabled=True)
    checked = {}
    for path in ("/", "/c/demo", "/kiosk/demo", "/nope", "/?unknown=1", "/privacy"):
        page.goto(f"{site}{path}{'&' if '?' in path else '?'}lang={lang}")
        checked[path] = axe_violations(page)
    # The form with every error showing, then the thank-you and status pages.
    page.goto(f"{site}/c/demo?lang={lang}")
    page.fill("#postcode", "12")
    page.fill("#contact", "nonsense")
    page.click("button[type=submit]")
    checked["form with errors"] = axe_violations(page)
    page.fill("#text", "Meer bomen")
    page.fill("#postcode", "9000")
    page.fill("#contact", "")
    page.click("button[type=submit]")
    checked["thanks"] = axe_violations(page)
    page.click("text=" + page.inner_text("main p a"))
    checked["status"] = axe_violations(page)
    page.goto(f"{site}/kiosk/demo?lang={lang}")
    page.fill("#text", "Meer bomen")
    page.click("button[type=submit]")
    checked["kiosk thanks"] = axe_violations(page)
    assert {path: v for path, v in checked.items() if v} == {}
    page.close()


def test_the_form_works_with_javascript_off_and_the_keyboard_only(site: str, browser: Any) -> None:
    page = browser.new_page(java_script_enabled=False)
    page.goto(f"{site}/c/demo?lang=en")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    page.focus("#text")
    page.keyboard.type("Benches in the shade")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "BUTTON":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Your code is:" in page.inner_text("main")
    page.close()


def test_targets_are_large_enough_and_focus_is_visible(site: str, browser: Any) -> None:
    page = browser.new_page()
    page.goto(f"{site}/c/demo")
    sizes = page.eval_on_selector_all(
        "button, input:not([type=hidden]):not(#website), textarea, nav a",
        "els => els.map(e => [e.id || e.textContent, e.getBoundingClientRect().width,"
        " e.getBoundingClientRect().height])",
    )
    small = [s for s in sizes if s[1] < 24 or s[2] < 24]
    assert small == []
    page.focus("#text")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
    assert outline == "3px"
    page.close()


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_confirming_a_contact_has_no_axe_violations(site: str, browser: Any, lang: str) -> None:
    page = browser.new_page(java_script_enabled=True)
    checked = {}
    page.goto(f"{site}/c/demo?lang={lang}")
    page.fill("#text", "Meer bomen")
    page.fill("#contact", "0470 12 34 56")
    page.check("#consent")
    page.click("button[type=submit]")
    checked["thanks with the code box"] = axe_violations(page)
    page.fill("#code", "123")
    page.click("text=" + page.inner_text("form button"))
    checked["status with a wrong code"] = axe_violations(page)
    page.goto(f"{site}/confirm/no-such-link?lang={lang}")
    checked["a link that no longer works"] = axe_violations(page)
    page.goto(f"{site}/kiosk/demo?lang={lang}")
    page.fill("#text", "Meer bomen")
    page.fill("#contact", "0470 12 34 57")
    page.check("#consent")
    page.click("button[type=submit]")
    checked["kiosk thanks with the code box"] = axe_violations(page)
    assert {path: v for path, v in checked.items() if v} == {}
    page.close()
