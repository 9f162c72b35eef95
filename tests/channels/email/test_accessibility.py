"""The mail's HTML part and the stop page pass axe-core in headless Chromium, in each language."""

from __future__ import annotations

import pytest

from intake.runtime import Runtime
from tests.browser import axe_violations, chromium
from tests.security.contact_helpers import PUBLIC_URL, app_of, fill_in, work
from tests.support.smtp import MailServer

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_mail_and_the_stop_page_have_no_axe_violations(town: Runtime, smtp: MailServer) -> None:
    app = app_of(town)
    for lang in ("nl", "fr", "en"):
        fill_in(
            app.test_client(),
            text="Bankjes",
            contact=f"{lang}@example.be",
            consent="yes",
            lang=lang,
        )
    work(town)
    checked = {}
    with chromium() as browser:
        page = browser.new_page(java_script_enabled=True)
        for lang in ("nl", "fr", "en"):
            (mail,) = smtp.to(f"{lang}@example.be")
            page.set_content(mail.part("html"))
            assert page.get_attribute("html", "lang") == lang
            checked[f"mail {lang}"] = axe_violations(page)
            stop = mail.message["List-Unsubscribe"].strip("<>").removeprefix(PUBLIC_URL)
            shown = app.test_client().get(stop)
            assert shown.status_code == 200
            page.set_content(shown.get_data(as_text=True))
            assert page.get_attribute("html", "lang") == lang
            checked[f"stop page {lang}"] = axe_violations(page)
        page.close()
    assert {name: found for name, found in checked.items() if found} == {}
