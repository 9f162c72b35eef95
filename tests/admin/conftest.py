"""Staff accounts, signed-in clients and contributions to review."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from intake.inbound import Inbound, InboundMedia, Sender
from intake.models import Consultation
from intake.receive import receive
from intake.runtime import Runtime
from intake.staff import create_user

PASSWORD = "correct horse battery"


def token(html: str) -> str:
    """Return the CSRF token of a page's first form."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def post(
    client: FlaskClient, path: str, data: dict[str, Any], page: str = "/admin/"
) -> TestResponse:
    """Post a staff form the way a browser does: with the token from a page."""
    html = client.get(page).get_data(as_text=True)
    return client.post(path, data={"csrf_token": token(html), **data})


def add_user(runtime: Runtime, email: str, role: str) -> int:
    """Create a staff account with the shared test password."""
    with runtime.db.session() as session:
        user = create_user(session, email, role, PASSWORD)
        session.commit()
        return user.id


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> TestResponse:
    """Sign in through the login form."""
    html = client.get("/admin/login").get_data(as_text=True)
    return client.post(
        "/admin/login", data={"csrf_token": token(html), "email": email, "password": password}
    )


@pytest.fixture
def signed_in(app: Flask, runtime: Runtime) -> Callable[[str], FlaskClient]:
    """Give a client signed in with a fresh account of the given role."""
    made: dict[str, FlaskClient] = {}

    def client_for(role: str) -> FlaskClient:
        if role not in made:
            add_user(runtime, f"{role}@gemeente.be", role)
            client = app.test_client()
            assert sign_in(client, f"{role}@gemeente.be").status_code == 302
            made[role] = client
        return made[role]

    return client_for


def demo_id(runtime: Runtime) -> int:
    """Return the demo consultation's id."""
    with runtime.db.session() as session:
        return int(
            session.scalars(select(Consultation.id).where(Consultation.slug == "demo")).one()
        )


@pytest.fixture
def contribute(runtime: Runtime) -> Callable[..., int]:
    """Store a contribution through receive(), as a channel would; return its id."""
    counter = iter(range(1, 10_000))

    def make(
        text: str = "Meer bomen in het park",
        *,
        channel: str = "sms",
        language: str = "nl",
        phone: str | None = None,
        wants_updates: bool = False,
        media: tuple[InboundMedia, ...] = (),
        **extra: Any,
    ) -> int:
        sender = (
            Sender.of(
                runtime.settings.secret_key,
                "phone",
                phone,
                may_reply=True,
                # As a number that texted: the provider vouches for it.
                confirmed=True,
                wants_updates=wants_updates,
            )
            if phone
            else None
        )
        with runtime.db.session() as session:
            receipt = receive(
                session,
                Inbound(
                    channel=channel,
                    language=language,
                    text=text,
                    channel_message_id=f"m{next(counter)}",
                    sender=sender,
                    media=media,
                    **{"consultation_id": demo_id(runtime), **extra},
                ),
            )
            session.commit()
            return receipt.id

    return make
