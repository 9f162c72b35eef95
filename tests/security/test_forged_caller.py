"""Finding 1, by phone: caller ID can be forged, so a call showing a resident's number must
lead to nothing beyond that call's own answer (its reference, spoken in the call).

Through the real app with Twilio's voice webhooks signed by the real validator.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from intake.hashing import keyed_hash
from intake.models import Contribution, Contributor, OutboundMessage
from intake.runtime import Runtime
from tests.channels.voice.conftest import Caller
from tests.security.contact_helpers import (
    VICTIM,
    VICTIM_TYPED,
    app_of,
    record_of,
    staff,
    staff_post,
    start_town,
    text_in,
)
from tests.support.twilio import FakeTwilio, fake_twilio


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    """A fake Twilio account on 127.0.0.1."""
    with fake_twilio() as fake:
        yield fake


@pytest.fixture
def town(database_url: str, tmp_path: Path, twilio: FakeTwilio) -> Iterator[Runtime]:
    """An instance on SQLite and on PostgreSQL, with Twilio's SMS and voice on."""
    runtime = start_town(tmp_path / "data", database_url, twilio)
    yield runtime
    runtime.db.dispose()


def test_a_call_showing_a_residents_number_never_speaks_for_them(
    town: Runtime, twilio: FakeTwilio
) -> None:
    site = app_of(town)
    client = site.test_client()
    text_in(client, VICTIM, "DEMO Meer licht in het park")
    victim_hash = keyed_hash(town.settings.secret_key, "phone", VICTIM)
    before = record_of(town, victim_hash)

    caller = Caller(client, number=VICTIM)  # a forged caller ID is just this header
    question = caller.press(caller.dial(), "2")
    sid, url = twilio.add_recording(b"RIFF not really audio")
    caller.record(question, sid, url)

    assert record_of(town, victim_hash) == before  # not even their language
    with town.db.session() as session:
        call = session.scalars(select(Contribution).where(Contribution.channel == "voice")).one()
        assert call.contributor is not None
        assert (call.contributor.address_kind, call.contributor.address) == ("caller", None)
        texted = session.scalars(
            select(Contributor).where(Contributor.address_kind == "phone")
        ).one()
        assert call.contributor_id != texted.id
    moderator = staff(site, town)
    detail = moderator.get(f"/admin/c/{call.id}").get_data(as_text=True)
    assert f"/admin/c/{call.id}/reply" not in detail
    refused = staff_post(
        moderator, f"/admin/c/{call.id}/reply", {"body": "Hallo"}, f"/admin/c/{call.id}"
    )
    assert refused.status_code == 422
    staff_post(
        moderator,
        f"/admin/c/{call.id}/status",
        {"status": "accepted", "reason": "ok"},
        f"/admin/c/{call.id}",
    )
    with town.db.session() as session:
        assert session.scalars(select(OutboundMessage)).all() == []

    # The resident's own data holds their text only; the call is found as a call.
    admin = staff(site, town, "admin")
    export = staff_post(admin, f"/admin/privacy/{texted.id}/export", {}, "/admin/privacy")
    assert [c["channel"] for c in export.get_json()["contributions"]] == ["sms"]
    calls = staff_post(
        admin, "/admin/privacy", {"kind": "caller", "address": VICTIM_TYPED}, "/admin/privacy"
    ).get_data(as_text=True)
    assert call.reference in calls
