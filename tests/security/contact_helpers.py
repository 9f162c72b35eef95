"""Shared steps of the contact-confirmation attacks: residents who text, forms, staff, codes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from intake.app import create_app
from intake.consultations import seed_demo
from intake.jobs.worker import Worker
from intake.migrations import upgrade
from intake.models import Contribution, Contributor, OutboundMessage
from intake.runtime import Runtime
from tests.admin.conftest import add_user, sign_in, token
from tests.channels.web.helpers import hidden_fields
from tests.conftest import make_settings
from tests.support.twilio import FakeTwilio, message_params, sign

PUBLIC_URL = "https://inspraak.example.be"
SMS_HOOK = "/hooks/twilio/sms"
VICTIM = "+32470111111"
VICTIM_TYPED = "0470 11 11 11"
# What a resident's record holds that typing their number must never change.
RECORD = ("address", "address_confirmed", "preferred_language", "wants_updates", "opted_out")


def start_town(data_dir: Path, database_url: str | None, twilio: FakeTwilio, **env: str) -> Runtime:
    """Build a migrated instance with the demo consultation, texting through the fake Twilio."""
    settings = make_settings(
        data_dir, database_url, **twilio.env(INSPRAAK_PUBLIC_URL=PUBLIC_URL, **env)
    )
    runtime = Runtime.start(settings)
    upgrade(runtime.db.engine)
    with runtime.db.session() as session:
        seed_demo(session)
        session.commit()
    return runtime


def app_of(runtime: Runtime) -> Flask:
    """Return the real web app of `runtime`."""
    app = create_app(runtime_=runtime)
    app.config["TESTING"] = True
    return app


def text_in(client: FlaskClient, number: str, body: str) -> TestResponse:
    """Text the municipality from `number`, as Twilio delivers it (signed)."""
    params = message_params(body, number=number)
    signature = sign(PUBLIC_URL + SMS_HOOK, params)
    response = client.post(SMS_HOOK, data=params, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200
    return response


def fill_in(
    client: FlaskClient, *, kiosk: bool = False, ip: str = "198.51.100.7", **fields: str
) -> TestResponse:
    """Open the demo form from network address `ip` and send it with `fields`."""
    path = "/kiosk/demo" if kiosk else "/c/demo"
    environ = {"REMOTE_ADDR": ip}
    page = client.get(path + f"?lang={fields.pop('lang', 'nl')}", environ_base=environ)
    data = {**hidden_fields(page.get_data(as_text=True)), **fields}
    return client.post(path, data=data, environ_base=environ)


def reference_on(html: str) -> str:
    """Return the reference on a thank-you page."""
    match = re.search(r'<p class="ref">([^<]+)</p>', html)
    assert match, "no reference on the page"
    return match.group(1)


def type_code(
    client: FlaskClient, reference: str, code: str, ip: str = "198.51.100.7"
) -> TestResponse:
    """Type a code on the contribution's status page, as the resident does."""
    environ = {"REMOTE_ADDR": ip}
    page = client.get(f"/r/{reference}", environ_base=environ).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no form on the status page"
    return client.post(
        f"/r/{reference}/confirm",
        data={"csrf_token": match.group(1), "code": code},
        environ_base=environ,
        follow_redirects=True,
    )


def work(runtime: Runtime) -> None:
    """Let a worker do every job that is ready (sending goes to the fake Twilio)."""
    Worker(runtime).run(until_idle=True)


def texts_to(twilio: FakeTwilio, number: str) -> list[str]:
    """Return the bodies of every SMS the fake Twilio was asked to send to `number`."""
    return [m["Body"] for m in twilio.messages if m["To"] == number]


def code_in(body: str) -> str:
    """Return the six-digit code in a confirmation SMS."""
    match = re.search(r"\b(\d{6})\b", body)
    assert match, body
    return match.group(1)


def record_of(runtime: Runtime, address_hash: str) -> tuple[Any, ...]:
    """Return what the resident with `address_hash` has on record (see RECORD)."""
    with runtime.db.session() as session:
        row = session.scalars(
            select(Contributor).where(
                Contributor.address_kind == "phone", Contributor.address_hash == address_hash
            )
        ).one()
        return tuple(getattr(row, name) for name in RECORD)


def contribution(runtime: Runtime, reference: str) -> Contribution:
    """Load a contribution by its reference."""
    with runtime.db.session() as session:
        found = session.scalars(select(Contribution).where(Contribution.reference == reference))
        return found.one()


def messages(runtime: Runtime) -> list[OutboundMessage]:
    """Return every message queued to residents, oldest first."""
    with runtime.db.session() as session:
        return list(session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))


def staff(app: Flask, runtime: Runtime, role: str = "moderator") -> FlaskClient:
    """Return a client signed in as a new staff member with `role`."""
    add_user(runtime, f"{role}@gemeente.be", role)
    client = app.test_client()
    assert sign_in(client, f"{role}@gemeente.be").status_code == 302
    return client


def staff_post(client: FlaskClient, path: str, data: dict[str, str], page: str) -> TestResponse:
    """Post a staff form with the token of `page`, as the browser does."""
    html = client.get(page).get_data(as_text=True)
    return client.post(path, data={"csrf_token": token(html), **data})
