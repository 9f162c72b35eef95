"""Fill in the web form the way a browser does: token and nonce from the page itself."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from werkzeug.test import TestResponse


def hidden_fields(html: str) -> dict[str, str]:
    """Return the hidden inputs of a page's form."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def submit(
    client: FlaskClient, slug: str = "demo", lang: str | None = None, **fields: str
) -> TestResponse:
    """Open the form, then post it with `fields`, as a resident would."""
    query = f"?lang={lang}" if lang else ""
    page = client.get(f"/c/{slug}{query}")
    data = {**hidden_fields(page.get_data(as_text=True)), **fields}
    return client.post(f"/c/{slug}", data=data)


def reference_on(html: str) -> str:
    """Return the reference shown on a thank-you page."""
    match = re.search(r'<p class="ref">([^<]+)</p>', html)
    assert match, "no reference on the page"
    return match.group(1)
