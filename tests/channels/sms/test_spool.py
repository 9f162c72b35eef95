"""SMS and WhatsApp while the database is away: thanked at once, stored and answered after.

The real PostgreSQL server is reached through a relay the test cuts like a server restart;
Twilio is the fake account on 127.0.0.1, which records the texts Inspraak sends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.config import Settings
from intake.jobs.worker import Worker
from intake.models import Contribution
from intake.runtime import Runtime
from intake.spool import Entry
from tests.channels.sms.conftest import PUBLIC_URL, post_signed
from tests.channels.sms.helpers import reference_in, reply_of
from tests.support.dbproxy import DatabaseRelay
from tests.support.outage import demo_runtime, web_client
from tests.support.twilio import FakeTwilio, message_params

pytestmark = pytest.mark.postgres


@pytest.fixture
def runtime(outage_settings: Callable[..., Settings], twilio: FakeTwilio) -> Iterator[Runtime]:
    with demo_runtime(outage_settings(**twilio.env(INSPRAAK_PUBLIC_URL=PUBLIC_URL))) as rt:
        yield rt


@pytest.fixture
def client(runtime: Runtime) -> FlaskClient:
    return web_client(runtime)


def _stored(runtime: Runtime) -> dict[str, tuple[str, str]]:
    with runtime.db.session(write=False) as session:
        rows = session.execute(
            select(Contribution.channel_message_id, Contribution.reference, Contribution.channel)
        )
        return {str(sid): (ref, channel) for sid, ref, channel in rows}


def test_messages_sent_during_an_outage_are_stored_once_and_answered_with_their_code(
    runtime: Runtime, client: FlaskClient, relay: DatabaseRelay, twilio: FakeTwilio
) -> None:
    before = message_params("DEMO Meer bomen", number="+32470100001")
    kept = reference_in(reply_of(post_signed(client, before)))
    relay.cut()
    sent = [
        message_params("DEMO Meer bankjes aan het water graag", number="+32470100002"),
        message_params("DEMO Je voudrais plus de bancs dans le parc", number="+32470100003"),
        message_params("DEMO More trees please", number="+32470100004", whatsapp=True),
    ]
    thanks = [reply_of(post_signed(client, params)) for params in sent]
    # Twilio sending one again (its own retry) while the database is still away.
    assert reply_of(post_signed(client, sent[0])) == thanks[0]
    assert thanks[0] == (
        "Bedankt! Uw bericht is goed aangekomen. U krijgt uw code in een volgend bericht."
    )
    assert thanks[1] is not None and thanks[1].startswith("Merci !")
    assert thanks[2] is not None and thanks[2].startswith("Thank you!")
    assert runtime.spool.depth() == 4
    assert twilio.messages == []
    relay.restore()
    Worker(runtime, poll_seconds=0.01).run(until_idle=True)
    stored = _stored(runtime)
    assert set(stored) == {before["MessageSid"], *(p["MessageSid"] for p in sent)}
    assert stored[before["MessageSid"]][0] == kept
    assert stored[sent[2]["MessageSid"]][1] == "whatsapp"
    assert runtime.spool.depth() == 0
    # Each resident gets one text with their own code, in their language, once.
    texts = {m["To"]: m["Body"] for m in twilio.messages}
    assert len(twilio.messages) == 3
    for params, starts in zip(sent, ("Bedankt!", "Merci !", "Thank you!"), strict=True):
        body = texts[params["From"]]
        assert body.startswith(starts) and reference_in(body) == stored[params["MessageSid"]][0]
    # A later replay of the same messages (a crash before the spool file went) adds nothing.
    for params in sent:
        runtime.spool.put(Entry("sms", params["MessageSid"], params))
    Worker(runtime, poll_seconds=0.01).run(until_idle=True)
    assert len(_stored(runtime)) == 4 and len(twilio.messages) == 3
