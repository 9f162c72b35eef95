"""Telegram while the database is away: thanked at once, stored and answered after.

The real PostgreSQL server is reached through a relay the test cuts like a server restart;
SQLite is locked by another process. The Bot API is the fake server on 127.0.0.1, which
records what the bot sends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from channels.telegram.poller import Poller
from intake.config import Settings
from intake.jobs.worker import Worker
from intake.models import Contribution
from intake.runtime import Runtime
from intake.spool import Entry
from tests.conftest import make_settings
from tests.support.dbproxy import DatabaseRelay
from tests.support.outage import demo_runtime, sqlite_locked, web_client
from tests.support.telegram import SECRET, FakeTelegram, fake_telegram, message


@pytest.fixture
def api() -> Iterator[FakeTelegram]:
    with fake_telegram() as fake:
        yield fake


@pytest.fixture
def runtime(outage_settings: Callable[..., Settings], api: FakeTelegram) -> Iterator[Runtime]:
    with demo_runtime(outage_settings(**api.env())) as rt:
        yield rt


@pytest.fixture
def client(runtime: Runtime) -> FlaskClient:
    return web_client(runtime)


def _post(client: FlaskClient, update: dict) -> dict | None:
    response = client.post(
        "/hooks/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )
    assert response.status_code == 200
    return response.get_json(silent=True)


def _stored(runtime: Runtime) -> dict[str, str]:
    with runtime.db.session(write=False) as session:
        rows = session.execute(select(Contribution.channel_message_id, Contribution.reference))
        return {str(update_id): reference for update_id, reference in rows}


def _work(runtime: Runtime) -> None:
    Worker(runtime, poll_seconds=0.01).run(until_idle=True)


@pytest.mark.postgres
def test_updates_sent_during_an_outage_are_stored_once_and_answered_with_their_reference(
    runtime: Runtime, client: FlaskClient, relay: DatabaseRelay, api: FakeTelegram
) -> None:
    before = message(5_550_101, "Meer bomen op het plein")
    _post(client, before)
    relay.cut()
    sent = [
        message(5_550_102, "Meer bankjes aan het water graag"),
        message(5_550_103, "Je voudrais plus de bancs", language_code="fr"),
        message(5_550_104, "More trees please", language_code="en"),
    ]
    answers = [_post(client, update) for update in sent]
    # Telegram delivering one again while the database is still away.
    _post(client, sent[0])
    assert answers[0] == {
        "method": "sendMessage",
        "chat_id": 5_550_102,
        "text": "Bedankt! Uw bericht is goed aangekomen. "
        "U krijgt uw referentie in een volgend bericht.",
    }
    assert answers[1] is not None and answers[1]["text"].startswith("Merci !")
    assert answers[2] is not None and answers[2]["text"].startswith("Thank you!")
    assert runtime.spool.depth() == 4
    relay.restore()
    _work(runtime)
    stored = _stored(runtime)
    assert set(stored) == {str(u["update_id"]) for u in [before, *sent]}
    assert runtime.spool.depth() == 0
    # Each resident gets one message with their own reference, in their language.
    by_chat = {}
    for reply in api.sent():
        by_chat.setdefault(reply.chat_id, []).append(reply.text)
    for update, starts in zip(sent, ("Bedankt!", "Merci !", "Thank you!"), strict=True):
        chat = update["message"]["chat"]["id"]
        assert len(by_chat[chat]) == 1
        assert by_chat[chat][0].startswith(starts)
        assert stored[str(update["update_id"])] in by_chat[chat][0]
    # A later replay of the same updates (a crash before the spool file went) adds nothing.
    count = len(api.sent())
    for update in sent:
        runtime.spool.put(Entry("telegram", str(update["update_id"]), update))
    _work(runtime)
    assert len(_stored(runtime)) == 4 and len(api.sent()) == count


@pytest.mark.postgres
def test_long_polling_spools_too_while_the_database_is_away(
    runtime: Runtime, relay: DatabaseRelay, api: FakeTelegram
) -> None:
    update = message(5_550_201, "Een zebrapad bij de school")
    api.updates.append(update)
    relay.cut()
    assert Poller(runtime, timeout=0).run(once=True) == 1
    assert [s.text for s in api.sent()] == [
        "Bedankt! Uw bericht is goed aangekomen. U krijgt uw referentie in een volgend bericht."
    ]
    relay.restore()
    _work(runtime)
    stored = _stored(runtime)
    assert list(stored) == [str(update["update_id"])]
    assert stored[str(update["update_id"])] in api.sent()[-1].text


def test_updates_arriving_while_sqlite_is_locked_are_stored_once_after(
    tmp_path: Path, api: FakeTelegram
) -> None:
    settings = make_settings(tmp_path / "data", INSPRAAK_DATABASE_TIMEOUT="1", **api.env())
    with demo_runtime(settings) as runtime:
        client = web_client(runtime)
        update = message(5_550_301, "Een bank bij de bushalte")
        with sqlite_locked(runtime):
            answer = _post(client, update)
            assert _post(client, update) == answer  # delivered again while still locked
        assert answer is not None and answer["text"].startswith("Bedankt!")
        assert runtime.spool.depth() == 2
        _work(runtime)
        stored = _stored(runtime)
        assert list(stored) == [str(update["update_id"])]
        (sent,) = api.sent()
        assert sent.chat_id == 5_550_301 and stored[str(update["update_id"])] in sent.text
