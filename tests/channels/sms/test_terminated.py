"""PostgreSQL connections terminated under SMS load (`pg_terminate_backend`, as a server
restart or an administrator does): no restart needed, every acknowledged message stored once.

The runtime keeps its ordinary connection pool: dropped connections are found by the pool's
pre-ping, and a request whose connection dies under it is spooled and replayed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool

from intake.consultations import seed_demo
from intake.jobs.worker import Worker
from intake.migrations import upgrade
from intake.models import Contribution
from intake.runtime import Runtime
from tests.channels.sms.conftest import PUBLIC_URL, post_signed
from tests.channels.sms.helpers import reference_in, reply_of
from tests.conftest import make_settings
from tests.support.outage import web_client
from tests.support.twilio import FakeTwilio, message_params

pytestmark = pytest.mark.postgres
SERVICE = "inspraak_under_test"
SENDERS, MESSAGES_EACH = 4, 15
THANKS_SPOOLED = "Bedankt! Uw bericht is goed aangekomen. U krijgt uw code in een volgend bericht."


@pytest.fixture
def runtime(postgres_schema_url: str, tmp_path: Path, twilio: FakeTwilio) -> Iterator[Runtime]:
    """A PostgreSQL runtime with its connection pool, its connections named for the killer."""
    url = f"{postgres_schema_url}&application_name={SERVICE}"
    settings = make_settings(tmp_path / "data", url, **twilio.env(INSPRAAK_PUBLIC_URL=PUBLIC_URL))
    rt = Runtime.start(settings)
    upgrade(rt.db.engine)
    with rt.db.session() as session:
        seed_demo(session)
        session.commit()
    yield rt
    rt.db.dispose()


def _terminate_until(stop: threading.Event, url: str) -> int:
    """Terminate the service's connections every few milliseconds; return how many."""
    killer = create_engine(url, poolclass=NullPool)
    ended = 0
    with killer.connect() as connection:
        while not stop.wait(0.02):
            ended += len(
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE application_name = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": SERVICE},
                ).all()
            )
            connection.commit()
    killer.dispose()
    return ended


def test_terminated_connections_lose_no_acknowledged_message(
    runtime: Runtime, postgres_schema_url: str, twilio: FakeTwilio
) -> None:
    client = web_client(runtime)
    sent = [
        message_params(f"DEMO Bericht {n} van bewoner {s}", number=f"+3247020{s:02d}{n:02d}")
        for s in range(SENDERS)
        for n in range(MESSAGES_EACH)
    ]
    stop = threading.Event()
    with ThreadPoolExecutor(SENDERS + 1) as pool:
        killer = pool.submit(_terminate_until, stop, postgres_schema_url)
        answers = list(pool.map(lambda params: post_signed(client, params), sent))
        stop.set()
        ended = killer.result()
    assert ended > 0
    assert [a.status_code for a in answers] == [200] * len(sent)  # every message acknowledged
    replies = [reply_of(a) for a in answers]
    spooled = sum(reply == THANKS_SPOOLED for reply in replies)
    assert all(reply == THANKS_SPOOLED or reference_in(reply) for reply in replies)
    Worker(runtime, poll_seconds=0.01).run(until_idle=True)
    with runtime.db.session(write=False) as session:
        counts = dict(
            session.execute(
                select(Contribution.channel_message_id, func.count()).group_by(
                    Contribution.channel_message_id
                )
            ).all()
        )
    assert counts == {params["MessageSid"]: 1 for params in sent}
    assert runtime.spool.depth() == 0
    assert len(twilio.messages) == spooled  # the spooled ones got their code afterwards
    # No restart: the next message is stored at once, with its reference.
    assert reference_in(reply_of(post_signed(client, message_params("DEMO Nog één"))))
