"""Calls while the database is away: the menu goes on, the message is kept and stored after.

The real PostgreSQL server is reached through a relay the test cuts like a server restart;
SQLite is locked by another process. Twilio is the fake account on 127.0.0.1, which serves
the recordings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from intake.config import Settings
from intake.jobs.worker import Worker
from intake.models import Attachment, Contribution, Job, JobStatus
from intake.runtime import Runtime
from tests.channels.voice.conftest import (
    PUBLIC_URL,
    Caller,
    add_second_consultation,
    record_of,
    spoken_text,
)
from tests.conftest import make_settings
from tests.support.dbproxy import DatabaseRelay
from tests.support.outage import demo_runtime, sqlite_locked, web_client
from tests.support.twilio import FakeTwilio


@pytest.fixture
def runtime(outage_settings: Callable[..., Settings], twilio: FakeTwilio) -> Iterator[Runtime]:
    with demo_runtime(outage_settings(**twilio.env(INSPRAAK_PUBLIC_URL=PUBLIC_URL))) as rt:
        yield rt


def _stored(runtime: Runtime) -> dict[str, Contribution]:
    with runtime.db.session(write=False) as session:
        found = session.scalars(select(Contribution)).all()
        return {str(c.channel_message_id): c for c in found}


@pytest.mark.postgres
def test_calls_during_an_outage_are_recorded_and_stored_once_after(
    runtime: Runtime, relay: DatabaseRelay, twilio: FakeTwilio
) -> None:
    client = web_client(runtime)
    # One caller is in the middle of the menu when the database goes away …
    during = Caller(client, number="+32470200001")
    question = during.press(during.dial(), "2")
    relay.cut()
    audio = {"fr": b"RIFF-fr-recording", "en": b"RIFF-en-recording"}
    first_sid, first_url = twilio.add_recording(audio["fr"])
    thanks = during.record(question, first_sid, first_url)
    assert spoken_text(thanks)[0] == "Merci. Nous avons bien reçu votre message."
    assert thanks.find("Hangup") is not None
    assert during.callback(question, first_sid, first_url).status_code == 204
    # … and Twilio sends the callback once more while it still is.
    assert during.callback(question, first_sid, first_url).status_code == 204

    # Another calls while it is away: Dutch greeting, a language, then a recording.
    late = Caller(client, number="+32470200002")
    greeting = late.dial()
    assert spoken_text(greeting)[0] == "Welkom bij Inspraak, de telefoonlijn van de gemeente."
    prompt = late.press(greeting, "3")
    assert spoken_text(prompt)[0] == "Tell us what you want to say to the council."
    record_of(prompt)
    second_sid, second_url = twilio.add_recording(audio["en"])
    assert spoken_text(late.record(prompt, second_sid, second_url))[0].startswith("Thank you.")
    assert late.callback(prompt, second_sid, second_url).status_code == 204
    assert runtime.spool.depth() == 6
    spooled = b"".join(p.read_bytes() for p in runtime.spool.folder.glob("*.jsonl"))
    assert b"+32470200002" not in spooled and b"32470200002" not in spooled

    relay.restore()
    Worker(runtime, poll_seconds=0.01).run(until_idle=True)
    stored = _stored(runtime)
    assert set(stored) == {first_sid, second_sid}
    assert runtime.spool.depth() == 0
    with runtime.db.session(write=False) as session:
        demo = session.scalars(select(Contribution.consultation_id)).all()
        fetched = session.scalars(select(Job).where(Job.kind == "voice.fetch_recording")).all()
        files = {a.contribution_id: a.sha256 for a in session.scalars(select(Attachment))}
    assert len(set(demo)) == 1 and demo[0] is not None
    assert [job.status for job in fetched] == [JobStatus.DONE, JobStatus.DONE]
    for sid, language in ((first_sid, "fr"), (second_sid, "en")):
        contribution = stored[sid]
        assert contribution.language == language
        assert contribution.contributor_id is not None  # the number that called, as a hash
        kept = runtime.media.path(files[contribution.id]).read_bytes()
        assert kept == audio[language]
    # A later replay of the same callback (a crash before the spool file went) adds nothing.
    relay.cut()
    assert during.callback(question, first_sid, first_url).status_code == 204
    relay.restore()
    Worker(runtime, poll_seconds=0.01).run(until_idle=True)
    assert set(_stored(runtime)) == {first_sid, second_sid}


def test_a_call_while_sqlite_is_locked_leaves_a_voicemail_stored_after(
    tmp_path: Path, twilio: FakeTwilio
) -> None:
    env = twilio.env(INSPRAAK_PUBLIC_URL=PUBLIC_URL, INSPRAAK_DATABASE_TIMEOUT="1")
    with demo_runtime(make_settings(tmp_path / "data", **env)) as runtime:
        caller = Caller(web_client(runtime), number="+32470200003")
        sid, url = twilio.add_recording(b"RIFF-nl-recording")
        with sqlite_locked(runtime):
            prompt = caller.press(caller.dial(), None)  # no key: Dutch
            assert spoken_text(prompt)[0] == "Vertel ons wat u de gemeente wilt zeggen."
            thanks = caller.record(prompt, sid, url)
            assert spoken_text(thanks) == [
                "Bedankt. Wij hebben uw bericht goed ontvangen.",
                "Tot ziens.",
            ]
        Worker(runtime, poll_seconds=0.01).run(until_idle=True)
        (contribution,) = _stored(runtime).values()
        assert contribution.channel_message_id == sid and contribution.language == "nl"
        assert contribution.consultation_id is not None and contribution.contributor_id is not None


def test_a_caller_at_the_consultation_menu_when_sqlite_locks_is_heard_in_their_language(
    tmp_path: Path, twilio: FakeTwilio
) -> None:
    env = twilio.env(INSPRAAK_PUBLIC_URL=PUBLIC_URL, INSPRAAK_DATABASE_TIMEOUT="1")
    with demo_runtime(make_settings(tmp_path / "data", **env)) as runtime:
        add_second_consultation(runtime)
        caller = Caller(web_client(runtime), number="+32470200004")
        menu = caller.press(caller.dial(), "2")
        sid, url = twilio.add_recording(b"RIFF-fr-recording")
        with sqlite_locked(runtime):
            prompt = caller.press(menu, "2")
            assert spoken_text(prompt)[0] == "Dites-nous ce que vous voulez dire à la commune."
            assert spoken_text(caller.record(prompt, sid, url))[0].startswith("Merci.")
        Worker(runtime, poll_seconds=0.01).run(until_idle=True)
        (contribution,) = _stored(runtime).values()
        # Two consultations open and the choice not kept: a person files it.
        assert contribution.language == "fr" and contribution.consultation_id is None
