"""Finding 10 (Telegram): /status tells each resident about their own contributions only.

Through the real `inspraak serve` webhook and the fake Bot API server: a stranger who
knows or guesses a reference hears exactly what they would hear about a reference that
does not exist, and each resident may ask only so often, so references cannot be tried
one after another and the bot cannot be made to flood a chat.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from channels.telegram.dialogue import STATUS_PER_HOUR
from intake.consultations import seed_demo
from intake.jobs.worker import Worker
from intake.migrations import upgrade
from intake.runtime import Runtime
from tests.conftest import make_settings
from tests.server import running_server
from tests.support.telegram import SECRET, FakeTelegram, fake_telegram, message

RESIDENT = 5_550_101
STRANGER = 5_550_102
HEADER = "X-Telegram-Bot-Api-Secret-Token"
REFERENCE = re.compile(r"\b[3-9A-Y]{3}-[3-9A-Y]{3}\b")


@pytest.fixture
def telegram_api() -> Iterator[FakeTelegram]:
    """A fake Bot API server."""
    with fake_telegram() as fake:
        yield fake


@pytest.fixture
def bot(tmp_path: Path, telegram_api: FakeTelegram) -> Iterator[tuple[str, Runtime]]:
    """The real server taking Telegram's webhook, and the runtime its worker uses."""
    env = telegram_api.env()
    runtime = Runtime.start(make_settings(tmp_path, **env))
    upgrade(runtime.db.engine)
    with runtime.db.session() as session:
        seed_demo(session)
        session.commit()
    with running_server(tmp_path, **env) as base:
        yield f"{base}/hooks/telegram", runtime
    runtime.db.dispose()


def _say(url: str, user_id: int, text: str) -> None:
    answer = requests.post(url, json=message(user_id, text), headers={HEADER: SECRET}, timeout=30)
    assert answer.status_code == 200


def _replies(api: FakeTelegram, runtime: Runtime, user_id: int) -> list[str]:
    Worker(runtime).run(until_idle=True)
    return [sent.text for sent in api.sent() if sent.chat_id == user_id]


def test_status_answers_only_about_ones_own_contributions(
    bot: tuple[str, Runtime], telegram_api: FakeTelegram
) -> None:
    url, runtime = bot
    _say(url, RESIDENT, "Meer bomen aan de kade")
    [thanks] = _replies(telegram_api, runtime, RESIDENT)
    match = REFERENCE.search(thanks)
    assert match
    reference = match.group(0)
    # A reference that exists nowhere, from the same alphabet.
    missing = next(r for r in ("333-333", "444-444", "666-666") if r != reference)

    _say(url, STRANGER, f"/status {reference}")
    _say(url, STRANGER, f"/status {missing}")
    _say(url, RESIDENT, f"/status {reference.lower().replace('-', '')}")
    not_theirs, not_there = _replies(telegram_api, runtime, STRANGER)
    own = _replies(telegram_api, runtime, RESIDENT)[-1]

    assert own.startswith(f"Bijdrage {reference}: Ontvangen.")
    # The stranger learns nothing: the two answers differ only in the reference typed.
    assert not_theirs.replace(reference, "REF") == not_there.replace(missing, "REF")
    assert "Ontvangen" not in not_theirs


def test_status_questions_are_limited_per_resident(
    bot: tuple[str, Runtime], telegram_api: FakeTelegram
) -> None:
    url, runtime = bot
    _say(url, RESIDENT, "Een bank bij de speeltuin")
    [thanks] = _replies(telegram_api, runtime, RESIDENT)
    match = REFERENCE.search(thanks)
    assert match

    # Trying references one after another, faster than anyone follows their own.
    tried = [f"{a}{a}{a}-{b}{b}{b}" for a in "3467" for b in "79K"]
    assert len(tried) > STATUS_PER_HOUR + 1
    for reference in tried:
        _say(url, STRANGER, f"/status {reference}")
    answers = _replies(telegram_api, runtime, STRANGER)
    # Each question up to the limit is answered, then once that it is enough, then silence.
    unknown = [a for a in answers if a.startswith("We vinden geen bijdrage")]
    paused = [a for a in answers if "over een uur" in a]
    assert len(unknown) == STATUS_PER_HOUR and len(paused) == 1, answers
    assert len(answers) == STATUS_PER_HOUR + 1

    # The limit is the stranger's alone: the resident still gets their answer.
    _say(url, RESIDENT, f"/status {match.group(0)}")
    assert _replies(telegram_api, runtime, RESIDENT)[-1].startswith(f"Bijdrage {match.group(0)}")
