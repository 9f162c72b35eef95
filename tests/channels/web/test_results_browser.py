"""The results page in headless Chromium: axe-core finds nothing, and it stays light."""

from __future__ import annotations

import urllib.request
from typing import Any

import pytest

from intake.runtime import Runtime
from tests.browser import axe_violations, chromium
from tests.channels.web.results_data import plant_results
from tests.cli import inspraak
from tests.conftest import make_settings
from tests.server import running_server

pytestmark = pytest.mark.browser
PAGE_LIMIT = 30 * 1024


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real server with a consultation of a few hundred contributions and its results."""
    data_dir = tmp_path_factory.mktemp("results")
    inspraak(data_dir, "db", "upgrade")
    runtime = Runtime.start(make_settings(data_dir))
    with runtime.db.session() as session:
        planted = plant_results(session)
        session.commit()
    runtime.db.dispose()
    with running_server(data_dir) as base:
        yield f"{base}/c/{planted.slug}/results"


@pytest.fixture(scope="module")
def browser() -> Any:
    """One headless Chromium for the module."""
    with chromium() as instance:
        yield instance


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_the_results_page_has_no_axe_violations_and_weighs_little(
    site: str, browser: Any, lang: str
) -> None:
    with urllib.request.urlopen(f"{site}?lang={lang}", timeout=10) as response:
        body = response.read()
        assert response.headers["Cache-Control"] == "public, max-age=300"
    assert len(body) < PAGE_LIMIT, len(body)
    page = browser.new_page(java_script_enabled=True)
    page.goto(f"{site}?lang={lang}")
    assert page.evaluate("document.documentElement.lang") == lang
    # Nothing else is fetched: no scripts, styles, fonts or images beyond the page itself.
    fetched = page.evaluate("performance.getEntriesByType('resource').map(r => r.name)")
    assert [url for url in fetched if not url.endswith("/favicon.ico")] == []
    assert axe_violations(page) == []
    page.close()


def test_the_language_switch_keeps_the_reader_on_the_results(site: str, browser: Any) -> None:
    page = browser.new_page(java_script_enabled=False)
    page.goto(f"{site}?lang=nl")
    with page.expect_navigation():
        page.click("nav a[lang=en]")
    assert page.url == f"{site}?lang=en"
    assert "Trees and shade" in page.inner_text("main")
    page.close()
