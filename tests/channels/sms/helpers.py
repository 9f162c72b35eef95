"""Read TwiML answers and stored rows in SMS tests."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from sqlalchemy import select
from werkzeug.test import TestResponse

from intake.models import Contribution
from intake.runtime import Runtime


def reply_of(response: TestResponse) -> str | None:
    """Return the text of the TwiML `<Message>`, or None for an empty `<Response/>`."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/xml"
    root = ElementTree.fromstring(response.get_data())
    assert root.tag == "Response"
    messages = root.findall("Message")
    assert len(messages) <= 1
    return messages[0].text if messages else None


def reference_in(reply: str | None) -> str:
    """Return the reference a thank-you reply mentions."""
    assert reply is not None
    match = re.search(r"\b([0-9A-Z]{3}-[0-9A-Z]{3})\b", reply)
    assert match, reply
    return match.group(1)


def contributions(runtime: Runtime) -> list[Contribution]:
    """Return every stored contribution, oldest first."""
    with runtime.db.session() as session:
        return list(session.scalars(select(Contribution).order_by(Contribution.id)))
