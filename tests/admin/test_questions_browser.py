"""Pages that show closed questions or their counts pass axe-core in headless Chromium."""

from __future__ import annotations

from typing import Any

import pytest

from tests.admin.conftest import PASSWORD
from tests.browser import axe_violations, chromium
from tests.cli import inspraak
from tests.server import running_server
from tests.support.questions import load_park

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real server with the park consultation, its questions, and an admin account."""
    data_dir = tmp_path_factory.mktemp("closed")
    inspraak(data_dir, "db", "upgrade")
    load_park(data_dir)
    inspraak(
        data_dir,
        "user",
        "create",
        "admin@gemeente.be",
        "--role",
        "admin",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    with running_server(data_dir) as base:
        yield base


def test_question_and_result_pages_have_no_axe_violations(site: str) -> None:
    checked = {}
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{site}/c/park?lang=fr")
        page.fill("#text", "Plus d'arbres et des bancs à l'ombre")
        page.check("#q-often-2")
        page.check("#q-dogs-1")
        page.click("button[type=submit]")
        page.goto(f"{site}/admin/login")
        page.fill("#email", "admin@gemeente.be")
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        page.goto(f"{site}/admin/consultations/1/questions")
        page.click("button[name=public][value=yes]")
        for lang in ("nl", "fr", "en"):
            for name, path in (
                ("questions", "/admin/consultations/1/questions"),
                ("contribution", "/admin/c/1"),
                ("dashboard", "/admin/dashboard?consultation=1"),
                ("assisted", "/admin/assisted"),
                ("reach", "/admin/reach?consultation=1"),
                ("results", "/c/park/results"),
            ):
                page.goto(f"{site}{path}{'&' if '?' in path else '?'}lang={lang}")
                checked[f"{name} {lang}"] = axe_violations(page)
        page.goto(f"{site}/c/park/results?lang=en")
        assert page.locator("table[aria-labelledby=question-1] tfoot td").first.inner_text() == "1"
    assert {name: v for name, v in checked.items() if v} == {}
