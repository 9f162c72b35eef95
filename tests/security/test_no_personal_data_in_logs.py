"""A database error must not carry a resident's number, words or name into a log or a job error.

The database is made to refuse what residents send (a CHECK constraint on PostgreSQL, whose
message then repeats the whole row, "Failing row contains (…)"; a trigger on SQLite), and the
statements' own values would be there too. Then the real server takes an SMS, a WhatsApp
message, a Telegram message and a web form; the real worker runs jobs that hit the same wall;
and every line the server, the worker and Python's logging wrote, and every job's error, is
searched for the number in each spelling, the text and the name.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
import requests
from sqlalchemy import select, text, update

from intake.app import create_app
from intake.consultations import seed_demo
from intake.hashing import keyed_hash
from intake.inbound import Inbound, JobRequest, Sender
from intake.jobs.worker import Worker
from intake.migrations import upgrade
from intake.models import Consultation, Job, utcnow
from intake.receive import receive
from intake.runtime import Runtime
from tests.channels.web.helpers import hidden_fields
from tests.cli import inspraak
from tests.conftest import make_settings
from tests.server import running_server
from tests.support.telegram import SECRET, FakeTelegram, fake_telegram, message
from tests.support.twilio import FakeTwilio, fake_twilio, message_params, sign

PUBLIC_URL = "https://inspraak.example.be"
NUMBER = "+32470123456"
SPELLINGS = ("+32470123456", "0032470123456", "0470123456", "32470123456", "470123456")
TELEGRAM_ID = 918273645
FIRST, LAST = "Marieke", "Verstraeten"
TEXT = "De Zonnebloemstraat heeft een gevaarlijk kruispunt vlak bij de school"
WORDS = ("Zonnebloem", "gevaarlijk kruispunt", FIRST, LAST, str(TELEGRAM_ID))

POSTGRES_PROBES = (
    "ALTER TABLE contributor ADD CONSTRAINT leak_probe_number"
    " CHECK (address IS NULL OR address NOT LIKE '%470123456') NOT VALID",
    "ALTER TABLE contribution ADD CONSTRAINT leak_probe_text"
    " CHECK (text NOT LIKE '%Zonnebloem%') NOT VALID",
)
SQLITE_PROBES = (
    "CREATE TRIGGER leak_probe_number BEFORE INSERT ON contributor"
    " WHEN NEW.address LIKE '%470123456' BEGIN SELECT RAISE(ABORT, 'leak probe'); END",
    "CREATE TRIGGER leak_probe_text BEFORE INSERT ON contribution"
    " WHEN NEW.text LIKE '%Zonnebloem%' BEGIN SELECT RAISE(ABORT, 'leak probe'); END",
    "CREATE TRIGGER leak_probe_text_again BEFORE UPDATE ON contribution"
    " WHEN NEW.text LIKE '%Zonnebloem%' BEGIN SELECT RAISE(ABORT, 'leak probe'); END",
)


def leaks(written: str) -> list[str]:
    """Return every piece of the resident's data found in `written`."""
    # 0470 12 34 56, 0470/12.34.56 … are the same number: join digits split by separators.
    joined = re.sub(r"(?<=\d)[\s./-](?=\d)", "", written)
    found = [spelling for spelling in SPELLINGS if spelling in joined]
    return found + [word for word in WORDS if word.lower() in written.lower()]


def _install_probes(runtime: Runtime) -> None:
    probes = SQLITE_PROBES if runtime.settings.is_sqlite else POSTGRES_PROBES
    with runtime.db.engine.begin() as connection:
        for probe in probes:
            connection.execute(text(probe))


def _queue_jobs_that_will_fail(runtime: Runtime) -> None:
    """Store a resident's text (before the probes), with jobs that will touch its row."""
    secret = runtime.settings.secret_key
    with runtime.db.session() as session:
        demo = session.scalars(select(Consultation.id)).one()
        sms = receive(
            session,
            Inbound(
                channel="sms",
                language="nl",
                text=TEXT,
                consultation_id=demo,
                channel_message_id="SM" + "1" * 32,
                sender=Sender("phone", keyed_hash(secret, "phone", NUMBER), NUMBER),
                # A host that is not allowed: the job notes the refusal on the contribution.
                jobs=(JobRequest("sms.media", {"url": "https://192.0.2.1/p.jpg", "index": 0}),),
            ),
        )
        typed = receive(
            session, Inbound(channel="web", language="nl", text="…", consultation_id=demo)
        )
        session.add(
            Job(
                kind="test.store_words",
                payload={"contribution_id": typed.id, "words": TEXT},
                contribution_id=typed.id,
            )
        )
        assert sms.created
        session.commit()


def _telegram_update() -> dict[str, object]:
    update = message(TELEGRAM_ID, TEXT)
    person = {"first_name": FIRST, "last_name": LAST, "username": "marieke_v"}
    update["message"]["from"].update(person)  # type: ignore[index]
    update["message"]["chat"].update(person)  # type: ignore[index]
    return update


def _post_to_real_server(base: str) -> dict[str, int]:
    answers = {}
    for name, params in (
        ("sms", message_params(f"DEMO {TEXT}", number=NUMBER)),
        ("whatsapp", message_params(TEXT, number=NUMBER, whatsapp=True, profile_name=FIRST)),
    ):
        signature = sign(PUBLIC_URL + "/hooks/twilio/sms", params)
        answer = requests.post(
            base + "/hooks/twilio/sms",
            data=params,
            headers={"X-Twilio-Signature": signature},
            timeout=30,
        )
        answers[name] = answer.status_code
    answers["telegram"] = requests.post(
        base + "/hooks/telegram",
        json=_telegram_update(),
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        timeout=30,
    ).status_code
    page = requests.get(base + "/c/demo", timeout=30)
    # The session cookie is marked Secure (the public URL is https): send it as a proxy would.
    cookie = page.headers["Set-Cookie"].split(";")[0]
    form = {
        **hidden_fields(page.text),
        "text": TEXT,
        "name": f"{FIRST} {LAST}",
        "contact": "0470 12 34 56",
        "postcode": "9000",
        "consent": "yes",
    }
    answers["web"] = requests.post(
        base + "/c/demo", data=form, headers={"Cookie": cookie}, timeout=30
    ).status_code
    return answers


@pytest.fixture
def providers() -> tuple[FakeTwilio, FakeTelegram]:
    with fake_twilio() as twilio, fake_telegram() as telegram:
        yield twilio, telegram


def test_a_refused_write_leaves_no_personal_data_in_any_log_or_job_error(
    database_url: str,
    tmp_path: Path,
    providers: tuple[FakeTwilio, FakeTelegram],
    caplog: pytest.LogCaptureFixture,
) -> None:
    twilio, telegram = providers
    data = tmp_path / "data"
    env = {
        **twilio.env(INSPRAAK_PUBLIC_URL=PUBLIC_URL),
        **telegram.env(),
        "INSPRAAK_DATABASE_URL": database_url,
        "INSPRAAK_PLUGINS": "tests.support.slow_jobs",
    }
    runtime = Runtime.start(make_settings(data, **env))
    upgrade(runtime.db.engine)
    with runtime.db.session() as session:
        seed_demo(session)
        session.commit()
    _queue_jobs_that_will_fail(runtime)
    _install_probes(runtime)

    server_log = tmp_path / "server.log"
    with running_server(data, log=server_log, **env) as base:
        answers = _post_to_real_server(base)
    worker = inspraak(data, "-v", "worker", "--until-idle", **env)

    caplog.set_level(logging.DEBUG)
    app = create_app(runtime_=runtime)  # not in testing mode: errors are logged, not raised
    params = message_params(f"DEMO {TEXT}", number=NUMBER)
    signature = sign(PUBLIC_URL + "/hooks/twilio/sms", params)
    in_process = app.test_client().post(
        "/hooks/twilio/sms", data=params, headers={"X-Twilio-Signature": signature}
    )
    with runtime.db.session() as session:
        session.execute(update(Job).values(run_after=utcnow()))
        session.commit()
    Worker(runtime).run(until_idle=True)
    with runtime.db.session() as session:
        errors = {job.kind: job.last_error or "" for job in session.scalars(select(Job))}
    runtime.db.dispose()

    # The database did refuse, and each refusal was written down.
    assert answers == {"sms": 500, "whatsapp": 500, "telegram": 500, "web": 500}
    assert in_process.status_code == 500
    served = server_log.read_text()
    for route in ("/hooks/twilio/sms", "/hooks/telegram", "/c/demo"):
        assert f"Exception on {route} [POST]" in served, served
    assert "(sms.media) failed" in worker.stderr and "(test.store_words) failed" in worker.stderr
    assert "Exception on /hooks/twilio/sms [POST]" in caplog.text
    assert "(test.store_words) failed" in caplog.text

    # None of it names the resident.
    assert leaks(served) == [], served
    assert leaks(worker.stdout + worker.stderr) == [], worker.stderr
    assert leaks(caplog.text) == [], caplog.text
    for kind, error in errors.items():
        assert leaks(error) == [], (kind, error)

    # What is said instead: the error's class and the database's own code.
    code = "SQLITE_CONSTRAINT_TRIGGER" if runtime.settings.is_sqlite else "SQLSTATE 23514"
    assert code in served and code in errors["test.store_words"]
    assert "IntegrityError" in errors["sms.media"]
