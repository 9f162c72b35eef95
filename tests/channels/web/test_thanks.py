"""The thank-you page: rendered once per consultation and language, each reference its own."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from intake.consultations import DEMO, save
from intake.runtime import Runtime
from tests.channels.web.helpers import reference_on, submit


def test_each_resident_sees_their_own_reference_in_the_text_and_the_link(
    client: FlaskClient,
) -> None:
    pages = [submit(client, text=f"Bijdrage {n}").get_data(as_text=True) for n in range(3)]
    references = [reference_on(page) for page in pages]
    assert len(set(references)) == 3
    for page, reference in zip(pages, references, strict=True):
        assert re.findall(r"[0-9A-Z]{3}-[0-9A-Z]{3}", page) == [reference, reference]
        assert f'href="/r/{reference}?lang=nl"' in page


def test_the_page_speaks_the_language_of_each_resident(client: FlaskClient) -> None:
    french = submit(client, lang="fr", text="Des arbres").get_data(as_text=True)
    dutch = submit(client, lang="nl", text="Bomen").get_data(as_text=True)
    assert '<html lang="fr"' in french and "Un nouveau parc au bord de l&#39;Escaut" in french
    assert '<html lang="nl"' in dutch and "Een nieuw park aan de Schelde" in dutch


def test_the_page_follows_a_changed_title(client: FlaskClient, runtime: Runtime) -> None:
    assert "Een nieuw park aan de Schelde" in submit(client, text="Een").get_data(as_text=True)
    texts = {**DEMO["texts"], "nl": {**DEMO["texts"]["nl"], "title": "Het Scheldepark"}}
    with runtime.db.session() as session:
        save(session, {**DEMO, "texts": texts})
        session.commit()
    page = submit(client, text="Twee").get_data(as_text=True)
    assert "Het Scheldepark" in page and "Een nieuw park" not in page


def test_the_kiosk_page_links_to_its_own_reference(client: FlaskClient) -> None:
    page = client.get("/kiosk/demo").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]*)"', page)
    assert token
    response = client.post("/kiosk/demo", data={"csrf_token": token.group(1), "text": "Bankjes"})
    html = response.get_data(as_text=True)
    reference = reference_on(html)
    assert f"/kiosk/demo/thanks/{reference}?lang=nl" in html
    assert response.headers["Refresh"].startswith("60; url=/kiosk/demo")
