"""The spool keeps what a webhook acknowledged while the database was away, and replays it.

Entries go through a replayer the way a channel's would (`receive` of an `Inbound`, keyed on
the provider's message id), on SQLite and on the real PostgreSQL server reached through a
relay that the tests cut like a server restart.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import stat
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.pool import NullPool

from intake.hashing import keyed_hash
from intake.inbound import Inbound, Sender
from intake.jobs.worker import Worker
from intake.migrations import upgrade
from intake.models import Contribution, Contributor, utcnow
from intake.plugins import Plugin
from intake.privacy import erase_contributor, purge_spool
from intake.receive import receive
from intake.runtime import Runtime
from intake.spool import KEEP_DAYS, Entry, Spool
from tests.cli import inspraak
from tests.conftest import make_settings
from tests.support.dbproxy import relay_for

CHANNEL = "spooltest"
SECRET_WORDS = "Mijn buurman Jan Peeters"


def _store(runtime: Runtime, entry: Entry) -> None:
    with runtime.db.session() as session:
        receive(
            session,
            Inbound(
                channel=CHANNEL,
                language="nl",
                text=str(entry.payload["text"]),
                channel_message_id=entry.message_id,
                received_at=datetime.fromisoformat(entry.spooled_at),
            ),
        )
        session.commit()


def _with_replayer(runtime: Runtime) -> Runtime:
    runtime.registry.add(Plugin(name=CHANNEL, replayers={CHANNEL: _store}))
    return runtime


def _stored(runtime: Runtime) -> list[tuple[str, str]]:
    with runtime.db.session(write=False) as session:
        rows = session.execute(
            select(Contribution.channel_message_id, Contribution.text)
            .where(Contribution.channel == CHANNEL)
            .order_by(Contribution.id)
        )
        return [(str(m), t) for m, t in rows]


def _entry(n: int) -> Entry:
    return Entry(CHANNEL, f"SM{n:04d}", {"text": f"{SECRET_WORDS} {n}"})


def test_spooled_messages_are_stored_once_in_order_and_the_files_go(runtime: Runtime) -> None:
    _with_replayer(runtime)
    spool = runtime.spool
    for n in range(3):
        spool.put(_entry(n))
    (written,) = spool.folder.iterdir()
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert stat.S_IMODE(spool.folder.stat().st_mode) == 0o700
    assert spool.depth() == 3
    done = runtime.replay_spool()
    assert (done.stored, done.set_aside) == (3, 0)
    assert _stored(runtime) == [(f"SM{n:04d}", f"{SECRET_WORDS} {n}") for n in range(3)]
    assert spool.depth() == 0 and list(spool.folder.iterdir()) == []
    # The provider's id keys the message: a repeat (a replay cut short) adds nothing.
    spool.put(_entry(1))
    assert runtime.replay_spool().stored == 1
    assert len(_stored(runtime)) == 3


def test_a_damaged_entry_is_kept_aside_and_the_rest_is_stored(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    _with_replayer(runtime)
    spool = runtime.spool
    spool.put(_entry(1))
    (path,) = spool.folder.iterdir()
    with open(path, "ab") as damaged:
        damaged.write(b'{"crc": 1, "body": "{\\"channel\\": \\"spooltest\\", \\"id\\": \\"SM9')
        damaged.write(b"\n")
    spool.put(_entry(2))
    # A line whose body was changed after it was written fails its checksum.
    line = path.read_bytes().splitlines()[-1].replace(b"2", b"3")
    with open(path, "ab") as changed:
        changed.write(line + b"\n")
    spool.put(Entry("nochannel", "SM5", {"text": SECRET_WORDS}))
    assert spool.depth() == 5
    with caplog.at_level(logging.INFO):
        done = runtime.replay_spool()
    assert (done.stored, done.set_aside) == (2, 3)
    assert sorted(done.reasons) == [
        "checksum does not match",
        "no replay handler for channel 'nochannel'",
        "unreadable line (JSONDecodeError)",
    ]
    assert [m for m, _ in _stored(runtime)] == ["SM0001", "SM0002"]
    assert spool.depth() == 0 and spool.set_aside_count() == 3
    kept = sorted(p.name for p in spool.corrupt.iterdir())
    assert len(kept) == 6 and all(
        stat.S_IMODE((spool.corrupt / k).stat().st_mode) == 0o600 for k in kept
    )
    said = [r.getMessage() for r in caplog.records if r.name == "inspraak.spool"]
    assert len(said) == 3 and all(path.name in s for s in said)
    # The log says where, never what the resident wrote.
    assert not any("Peeters" in r.getMessage() for r in caplog.records)


def _write_many(folder: str, start: int, count: int) -> None:
    spool = Spool(Path(folder))
    for n in range(start, start + count):
        spool.put(_entry(n))


def test_writers_in_other_processes_lose_nothing_to_a_replay_running_meanwhile(
    runtime: Runtime,
) -> None:
    _with_replayer(runtime)
    spool = runtime.spool
    context = multiprocessing.get_context("spawn")
    writers = [
        context.Process(target=_write_many, args=(str(spool.folder), 1000 * w, 150))
        for w in range(1, 4)
    ]
    for writer in writers:
        writer.start()
    while any(w.is_alive() for w in writers):
        runtime.replay_spool()
    for writer in writers:
        writer.join()
        assert writer.exitcode == 0
    runtime.replay_spool()
    stored = [m for m, _ in _stored(runtime)]
    assert len(stored) == 450 and len(set(stored)) == 450


@pytest.mark.postgres
def test_the_worker_waits_out_a_database_outage_and_then_replays(
    postgres_schema_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with relay_for(postgres_schema_url) as relay:
        settings = make_settings(tmp_path / "data", relay.url(postgres_schema_url))
        runtime = _with_replayer(Runtime.start(settings, poolclass=NullPool))
        upgrade(runtime.db.engine)
        worker = Worker(runtime, poll_seconds=0.05)
        thread = threading.Thread(target=worker.run)
        try:
            with caplog.at_level(logging.WARNING, logger="inspraak.worker"):
                relay.cut()
                thread.start()
                # Acknowledged by a webhook while the database is away.
                for n in range(5):
                    runtime.spool.put(_entry(n))
                deadline = threading.Event()
                while not any("database unavailable" in r.getMessage() for r in caplog.records):
                    assert thread.is_alive(), "the worker stopped when the database went away"
                    deadline.wait(0.05)
                assert runtime.spool.depth() == 5
                relay.restore()
                for _ in range(600):
                    if runtime.spool.depth() == 0 and len(_stored(runtime)) == 5:
                        break
                    deadline.wait(0.05)
        finally:
            worker.stop()
            thread.join(timeout=60)
            runtime.db.dispose()
        assert not thread.is_alive()
        assert [m for m, _ in _stored(runtime)] == [f"SM{n:04d}" for n in range(5)]


def test_monitoring_sees_what_waits_in_the_spool(runtime: Runtime, app: Flask) -> None:
    _with_replayer(runtime)
    for n in range(2):
        runtime.spool.put(_entry(n))
    runtime.spool.put(Entry("nochannel", "SM9", {"text": "?"}))
    client = app.test_client()
    assert client.get("/healthz").get_json()["spool"] == {"waiting": 3, "set_aside": 0}
    runtime.replay_spool()
    assert client.get("/healthz").get_json()["spool"] == {"waiting": 0, "set_aside": 1}


def _from(runtime: Runtime, number: str, n: int) -> Entry:
    sender = keyed_hash(runtime.settings.secret_key, "phone", number)
    return Entry(CHANNEL, f"SM{n:04d}", {"text": f"{SECRET_WORDS} {n}"}, sender=sender)


def test_erasing_a_resident_erases_what_they_left_in_the_spool(runtime: Runtime) -> None:
    spool = runtime.spool
    theirs, other = "+32470000001", "+32470000002"
    secret = runtime.settings.secret_key
    with runtime.db.session() as session:
        sender = Sender.of(secret, "phone", theirs, may_reply=False, confirmed=True)
        receive(session, Inbound(channel=CHANNEL, language="nl", text="eerder", sender=sender))
        session.commit()
        contributor_id = session.scalars(select(Contributor.id)).one()
    for n, number in enumerate((theirs, other, theirs, other)):
        spool.put(_from(runtime, number, n))
    assert spool.replay({}).set_aside == 4  # no replayer: all four kept aside
    spool.put(_from(runtime, theirs, 4))
    spool.put(_from(runtime, other, 5))
    with runtime.db.session() as session:
        erase_contributor(session, contributor_id, spool=spool)
        session.commit()
    assert (spool.depth(), spool.set_aside_count()) == (1, 2)
    left = b"".join(p.read_bytes() for p in spool.folder.rglob("*.jsonl*"))
    assert left.count(b"SM0001") == left.count(b"SM0003") == left.count(b"SM0005") == 1
    assert b"SM0000" not in left and b"SM0002" not in left and b"SM0004" not in left
    assert len(list(spool.corrupt.glob("*.reason.txt"))) == 2


def test_retention_deletes_spool_entries_older_than_the_bound(runtime: Runtime) -> None:
    _with_replayer(runtime)
    spool = runtime.spool
    spool.put(Entry("nochannel", "SM1", {"text": SECRET_WORDS}))
    spool.put(Entry("nochannel", "SM2", {"text": SECRET_WORDS}))
    assert runtime.replay_spool().set_aside == 2
    old, recent = sorted(spool.corrupt.glob("*.jsonl"))
    days_ago = time.time() - (KEEP_DAYS + 1) * 86400
    os.utime(old, (days_ago, days_ago))
    spool.put(_entry(3))  # waiting, and the database answers: stored, not deleted
    assert purge_spool(runtime) == 1
    assert sorted(p.name for p in spool.corrupt.iterdir()) == sorted(
        [recent.name, recent.with_suffix(".reason.txt").name]
    )
    assert _stored(runtime) == [("SM0003", f"{SECRET_WORDS} 3")]
    # Later than the bound: what the database still refused goes as well.
    assert purge_spool(runtime, now=utcnow() + timedelta(days=KEEP_DAYS + 1)) == 1
    assert spool.set_aside_count() == 0


def test_a_machine_without_a_worker_replays_its_spool_with_the_command(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    pigeons = {"INSPRAAK_PLUGINS": "tests.support.pigeon:plugin"}
    inspraak(data_dir, "db", "upgrade")
    spool = Spool(make_settings(data_dir).spool_dir)
    for n in range(2):
        spool.put(Entry("pigeon", f"P{n}", {"text": f"Duif {n}: meer groen"}))
    done = inspraak(data_dir, "spool", "replay", **pigeons)
    assert "2 messages stored, 0 set aside; 0 waiting" in done.stdout
    again = inspraak(data_dir, "spool", "replay", **pigeons)
    assert "0 messages stored" in again.stdout
    runtime = Runtime.start(make_settings(data_dir))
    with runtime.db.session(write=False) as session:
        texts = session.scalars(
            select(Contribution.text).where(Contribution.channel == "pigeon")
        ).all()
    runtime.db.dispose()
    assert sorted(texts) == ["Duif 0: meer groen", "Duif 1: meer groen"]
