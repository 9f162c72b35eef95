"""Finding 1, e-mail: a typed address is confirmed by a link's button, once, in time.

The instance gets an e-mail channel from the test-only plugin `tests.support.email`,
loaded through INSPRAAK_PLUGINS as any plugin is; it records what it is asked to send.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text, update

from intake.models import (
    ContactConfirmation,
    Contribution,
    Contributor,
    Job,
    OutboundMessage,
    utcnow,
)
from intake.runtime import Runtime
from tests.security.contact_helpers import (
    PUBLIC_URL,
    app_of,
    contribution,
    fill_in,
    reference_on,
    staff,
    staff_post,
    start_town,
    work,
)
from tests.support import email
from tests.support.twilio import FakeTwilio, fake_twilio

MARIA = "Maria.Peeters@example.be"
LINK = re.compile(re.escape(PUBLIC_URL) + r"/confirm/([A-Za-z0-9_-]{40,})")


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    """A fake Twilio account on 127.0.0.1 (the SMS channel is there, unused)."""
    with fake_twilio() as fake:
        yield fake


@pytest.fixture
def mail_town(database_url: str, tmp_path: Path, twilio: FakeTwilio) -> Iterator[Runtime]:
    """An instance with an e-mail channel, on SQLite and on PostgreSQL."""
    email.outbox.clear()
    runtime = start_town(
        tmp_path / "data", database_url, twilio, INSPRAAK_PLUGINS="tests.support.email"
    )
    yield runtime
    runtime.db.dispose()


def _sent_link(runtime: Runtime) -> str:
    work(runtime)
    address, body = email.outbox[-1]
    assert address == MARIA
    match = LINK.search(body)
    assert match, body
    return match.group(1)


def _press(client: FlaskClient, token: str) -> tuple[int, str, str]:
    """Open the link's page and press its button (or post as if, when it shows none)."""
    page = client.get(f"/confirm/{token}").get_data(as_text=True)
    # The session's form token; a page without a button carries none of its own.
    form = client.get("/c/demo").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert csrf
    response = client.post(f"/confirm/{token}", data={"csrf_token": csrf.group(1)})
    return response.status_code, response.headers.get("Location", ""), page


def _dump(runtime: Runtime) -> str:
    with runtime.db.engine.connect() as connection:
        return repr(
            [
                tuple(row)
                for table in ("contact_confirmation", "outbound_message", "job")
                for row in connection.execute(text(f"SELECT * FROM {table}"))
            ]
        )


def test_following_the_link_shows_a_button_and_only_the_button_confirms(
    mail_town: Runtime,
) -> None:
    site = app_of(mail_town)
    client = site.test_client()
    page = fill_in(client, text="Meer fietsenstallingen", contact=MARIA, consent="yes")
    html = page.get_data(as_text=True)
    assert "We stuurden een e-mail naar het adres dat u gaf" in html
    reference = reference_on(html)
    token = _sent_link(mail_town)
    assert token not in _dump(mail_town)  # kept only as a keyed hash

    # A mail scanner, or the resident, opens the link: nothing is confirmed yet.
    opened = client.get(f"/confirm/{token}")
    assert opened.status_code == 200
    assert "Ja, dit is mijn e-mailadres" in opened.get_data(as_text=True)
    with mail_town.db.session() as session:
        assert session.scalars(select(ContactConfirmation.confirmed_at)).one() is None
        assert session.scalars(select(Contributor)).all() == []

    status, location, _page = _press(site.test_client(), token)
    assert status == 302 and location.startswith(f"/r/{reference}")
    shown = client.get(location).get_data(as_text=True)
    assert "Uw contactgegevens zijn bevestigd" in shown
    with mail_town.db.session() as session:
        resident = session.scalars(select(Contributor)).one()
        assert (resident.address_kind, resident.address, resident.address_confirmed) == (
            "email",
            MARIA,
            True,
        )
        assert resident.wants_updates
        assert session.scalars(select(Contribution.contributor_id)).one() == resident.id

    again, _location, page = _press(site.test_client(), token)
    assert again == 410 and "Ja, dit is mijn e-mailadres" not in page  # one use only

    # Confirmed: staff replies now go out by e-mail.
    moderator = staff(site, mail_town)
    typed = contribution(mail_town, reference)
    staff_post(
        moderator,
        f"/admin/c/{typed.id}/reply",
        {"template": "", "body": "Dank u, Maria."},
        f"/admin/c/{typed.id}",
    )
    work(mail_town)
    assert email.outbox[-1] == (MARIA, "Dank u, Maria.")


def test_an_old_or_replaced_link_confirms_nothing(mail_town: Runtime) -> None:
    client = app_of(mail_town).test_client()
    reference = reference_on(
        fill_in(client, text="Bankjes", contact=MARIA, consent="yes").get_data(as_text=True)
    )
    first = _sent_link(mail_town)
    status_page = client.get(f"/r/{reference}").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', status_page)
    assert csrf and "Stuur een nieuwe e-mail" in status_page
    client.post(f"/r/{reference}/code", data={"csrf_token": csrf.group(1)})
    second = _sent_link(mail_town)
    assert second != first
    assert _press(client, first)[0] == 410  # the new link replaced it

    with mail_town.db.session() as session:
        session.execute(
            update(ContactConfirmation).values(expires_at=utcnow() - timedelta(seconds=1))
        )
        session.commit()
    status, _location, page = _press(client, second)
    assert status == 410 and "Deze link werkt niet meer" in page
    with mail_town.db.session() as session:
        assert session.scalars(select(ContactConfirmation.confirmed_at)).one() is None
        assert session.scalars(select(Contribution.contributor_id)).one() is None


def test_without_an_email_sender_nothing_is_sent_and_the_page_says_so(
    tmp_path: Path, twilio: FakeTwilio
) -> None:
    town = start_town(tmp_path / "data", None, twilio)
    try:
        site: Flask = app_of(town)
        page = fill_in(site.test_client(), text="Bomen", contact=MARIA, consent="yes")
        assert page.status_code == 200
        assert "We kunnen nog geen e-mails sturen" in page.get_data(as_text=True)
        work(town)
        with town.db.session() as session:
            held = session.scalars(select(ContactConfirmation)).one()
            assert (held.address, held.confirmed_at, held.sends) == (MARIA, None, 0)
            assert session.scalars(select(OutboundMessage)).all() == []
            assert session.scalars(select(Job)).all() == []
            assert session.scalars(select(Contributor)).all() == []
    finally:
        town.db.dispose()
