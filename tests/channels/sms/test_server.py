"""The webhook through the real `inspraak serve` process and the real worker command."""

from __future__ import annotations

from pathlib import Path

import requests
from sqlalchemy import create_engine, func, select, text

from intake.models import Attachment, Contribution
from tests.channels.sms.conftest import PUBLIC_URL, WEBHOOK
from tests.cli import inspraak
from tests.server import running_server
from tests.support.twilio import FakeTwilio, message_params, sign


def _post(base: str, params: dict[str, str], signature: str) -> requests.Response:
    with requests.post(
        base + WEBHOOK, data=params, headers={"X-Twilio-Signature": signature}, timeout=10
    ) as response:
        response.content  # noqa: B018 - read the body before the connection closes
        return response


def test_signed_messages_through_the_real_server(tmp_path: Path, twilio: FakeTwilio) -> None:
    data = tmp_path / "data"
    env = twilio.env(INSPRAAK_PUBLIC_URL=PUBLIC_URL)
    inspraak(data, "db", "upgrade", **env)
    inspraak(data, "demo", **env)
    photo = twilio.add_media(b"\xff\xd8\xff\xe0photo\xff\xd9", "image/jpeg")
    params = message_params("DEMO Meer bomen aan de kade", media=[(photo, "image/jpeg")])
    with running_server(data, **env) as base:
        first = _post(base, params, sign(PUBLIC_URL + WEBHOOK, params))
        retry = _post(base, params, sign(PUBLIC_URL + WEBHOOK, params))
        forged = _post(base, params, sign(base + WEBHOOK, params))
    assert first.status_code == 200 and first.headers["Content-Type"].startswith("text/xml")
    assert "<Message>Bedankt!" in first.text and retry.text == first.text
    assert forged.status_code == 403
    # The download, then the deletion of Twilio's copy.
    assert "2 jobs done" in inspraak(data, "worker", "--until-idle", **env).stdout
    engine = create_engine(f"sqlite:///{data / 'inspraak.db'}")
    try:
        with engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(Contribution)) == 1
            assert connection.scalar(select(Attachment.media_type)) == "image/jpeg"
            assert connection.scalar(text("SELECT reference FROM contribution")) in first.text
    finally:
        engine.dispose()
