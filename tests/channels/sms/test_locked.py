"""SMS while another process holds SQLite's write lock past the timeout: kept, stored after.

The lock is real: a second process opens the database file and begins an exclusive
transaction, as a long batch job or a stuck tool would.
"""

from __future__ import annotations

import subprocess
import sys
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
from tests.support.outage import web_client
from tests.support.twilio import FakeTwilio, message_params

HOLD_LOCK = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
connection.execute("ROLLBACK")
"""


@pytest.fixture
def runtime(tmp_path: Path, twilio: FakeTwilio) -> Iterator[Runtime]:
    env = twilio.env(INSPRAAK_PUBLIC_URL=PUBLIC_URL, INSPRAAK_DATABASE_TIMEOUT="1")
    rt = start_runtime(tmp_path / "data", **env)
    yield rt
    rt.db.dispose()


def _count(runtime: Runtime) -> int:
    with runtime.db.session(write=False) as session:
        return session.scalar(select(func.count()).select_from(Contribution)) or 0


def _lock(runtime: Runtime) -> subprocess.Popen[str]:
    database = runtime.db.engine.url.database
    assert database
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, database],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def _release(holder: subprocess.Popen[str]) -> None:
    holder.communicate("\n", timeout=10)
    assert holder.returncode == 0


def test_texts_arriving_while_the_database_is_locked_are_stored_once_after(
    runtime: Runtime, twilio: FakeTwilio
) -> None:
    client: FlaskClient = web_client(runtime)
    holder = _lock(runtime)
    try:
        sent = [
            message_params("DEMO Een speeltuin in de wijk", number="+32470300001"),
            message_params(
                "DEMO Je voudrais plus de poubelles dans le parc", number="+32470300002"
            ),
        ]
        thanks = [reply_of(post_signed(client, params)) for params in sent]
        assert post_signed(client, sent[0]).status_code == 200  # Twilio's own retry
    finally:
        _release(holder)
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
