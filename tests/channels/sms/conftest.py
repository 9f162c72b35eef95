"""Fixtures for the SMS channel: a fake Twilio account and an app configured for it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from intake.app import create_app
from intake.consultations import seed_demo
from intake.migrations import upgrade
from intake.runtime import Runtime
from tests.conftest import make_settings
from tests.support.twilio import FakeTwilio, fake_twilio, message_params, sign

PUBLIC_URL = "https://inspraak.example.be"
WEBHOOK = "/hooks/twilio/sms"


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    """A fake Twilio account on 127.0.0.1."""
    with fake_twilio() as fake:
        yield fake


def start_runtime(data_dir: Path, **env: str) -> Runtime:
    """Build a migrated runtime with the demo consultation from env-like settings."""
    rt = Runtime.start(make_settings(data_dir, **env))
    upgrade(rt.db.engine)
    with rt.db.session() as session:
        seed_demo(session)
        session.commit()
    return rt


@pytest.fixture
def sms_runtime(tmp_path: Path, twilio: FakeTwilio) -> Iterator[Runtime]:
    """A runtime with Twilio credentials, behind a proxy at PUBLIC_URL."""
    rt = start_runtime(tmp_path / "data", **twilio.env(INSPRAAK_PUBLIC_URL=PUBLIC_URL))
    yield rt
    rt.db.dispose()


@pytest.fixture
def sms_app(sms_runtime: Runtime) -> Flask:
    """The web app with the SMS channel on."""
    app = create_app(runtime_=sms_runtime)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def sms_client(sms_app: Flask) -> FlaskClient:
    """A test client that plays Twilio."""
    return sms_app.test_client()


def post_signed(
    client: FlaskClient,
    params: dict[str, str],
    *,
    signed_url: str = PUBLIC_URL + WEBHOOK,
    path: str = WEBHOOK,
    token: str | None = None,
) -> TestResponse:
    """POST a webhook as Twilio does, signed for `signed_url` with the account's token."""
    signature = sign(signed_url, params, token) if token else sign(signed_url, params)
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature})


def text(client: FlaskClient, body: str, **options: object) -> TestResponse:
    """Send one signed text message from a resident's phone."""
    return post_signed(client, message_params(body, **options))  # type: ignore[arg-type]
