"""SMS while another process holds SQLite's write lock past the timeout: kept, stored after."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from intake.jobs.worker import Worker
from intake.models import Contribution
from intake.runtime import Runtime
from tests.channels.sms.conftest import PUBLIC_URL, post_signed, start_runtime
from tests.channels.sms.helpers import reference_in, reply_of
from tests.support.outage import sqlite_locked, web_client
from tests.support.twilio import FakeTwilio, message_params


@pytest.fixture
def runtime(tmp_path: Path, twilio: FakeTwilio) -> Iterator[Runtime]:
    env = twilio.env(INSPRAAK_PUBLIC_URL=PUBLIC_URL, INSPRAAK_DATABASE_TIMEOUT="1")
    rt = start_runtime(tmp_path / "data", **env)
    yield rt
    rt.db.dispose()


def _count(runtime: Runtime) -> int:
    with runtime.db.session(write=False) as session:
        return session.scalar(select(func.count()).select_from(Contribution)) or 0


def test_texts_arriving_while_the_database_is_locked_are_stored_once_after(
    runtime: Runtime, twilio: FakeTwilio
) -> None:
    client: FlaskClient = web_client(runtime)
    with sqlite_locked(runtime):
        sent = [
            message_params("DEMO Een speeltuin in de wijk", number="+32470300001"),
            message_params(
                "DEMO Je voudrais plus de poubelles dans le parc", number="+32470300002"
            ),
        ]
        thanks = [reply_of(post_signed(client, params)) for params in sent]
        assert post_signed(client, sent[0]).status_code == 200  # Twilio's own retry
    assert thanks[0] == (
        "Bedankt! Uw bericht is goed aangekomen. U krijgt uw code in een volgend bericht."
    )
    assert thanks[1] is not None and thanks[1].startswith("Merci !")
    assert runtime.spool.depth() == 3 and _count(runtime) == 0
    Worker(runtime, poll_seconds=0.01).run(until_idle=True)
    assert _count(runtime) == 2 and runtime.spool.depth() == 0
    texts = {m["To"]: m["Body"] for m in twilio.messages}
    assert len(twilio.messages) == 2
    for params in sent:
        assert reference_in(texts[params["From"]])
