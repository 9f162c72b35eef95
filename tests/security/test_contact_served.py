"""Finding 1 end to end: the real server, the real worker command, the fake Twilio.

A resident texts; someone else types that resident's number on the form and then guesses
codes. Through `inspraak serve` and `inspraak worker`, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from pathlib import Path

import requests
from sqlalchemy import create_engine, select

from intake.config import load_settings
from intake.hashing import keyed_hash
from intake.models import ContactConfirmation, Contribution, Contributor
from tests.cli import inspraak
from tests.security.contact_helpers import SMS_HOOK, VICTIM, VICTIM_TYPED, code_in
from tests.server import running_server
from tests.support.twilio import FakeTwilio, fake_twilio, message_params, sign

ATTACKER = {"X-Forwarded-For": "203.0.113.77"}


def _text(base: str, number: str, body: str) -> None:
    params = message_params(body, number=number)
    # Signed for the address the server is reached at: no INSPRAAK_PUBLIC_URL here, since
    # an https one would keep the session cookie (and so the form) off plain http.
    signature = sign(base + SMS_HOOK, params)
    answer = requests.post(
        base + SMS_HOOK, data=params, headers={"X-Twilio-Signature": signature}, timeout=10
    )
    assert answer.status_code == 200 and "<Message>" in answer.text


def _resident(url: str, address_hash: str) -> tuple[object, ...]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                select(
                    Contributor.address,
                    Contributor.address_confirmed,
                    Contributor.preferred_language,
                    Contributor.wants_updates,
                    Contributor.opted_out,
                ).where(Contributor.address_hash == address_hash)
            ).one()
            return tuple(row)
    finally:
        engine.dispose()


def test_a_typed_number_gets_one_code_through_the_real_server_and_guessing_fails(
    tmp_path: Path, database_url: str
) -> None:
    data = tmp_path / "data"
    with fake_twilio() as twilio:
        _attack(data, database_url, twilio)


def _attack(data: Path, database_url: str, twilio: FakeTwilio) -> None:
    env = twilio.env(
        INSPRAAK_DATABASE_URL=database_url,
        INSPRAAK_PROXY_HOPS="1",
    )
    inspraak(data, "db", "upgrade", **env)
    inspraak(data, "demo", **env)
    secret = load_settings({"INSPRAAK_DATA_DIR": str(data), **env}).secret_key
    victim_hash = keyed_hash(secret, "phone", VICTIM)
    with running_server(data, **env) as base:
        _text(base, VICTIM, "DEMO Meer licht in het park")
        before = _resident(database_url, victim_hash)
        with requests.Session() as attacker:
            page = attacker.get(f"{base}/c/demo?lang=en", headers=ATTACKER, timeout=10).text
            fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
            thanks = attacker.post(
                f"{base}/c/demo",
                data={**fields, "text": "Hello", "contact": VICTIM_TYPED, "consent": "yes"},
                headers=ATTACKER,
                timeout=10,
            )
            assert thanks.status_code == 200 and "Confirm your phone number" in thanks.text
            reference = re.search(r'<p class="ref">([^<]+)</p>', thanks.text).group(1)  # type: ignore[union-attr]
            assert _resident(database_url, victim_hash) == before
            inspraak(data, "worker", "--until-idle", **env)
            sent = [m["Body"] for m in twilio.messages if m["To"] == VICTIM]
            assert len(sent) == 1 and sent[0].startswith("Your code is ")
            code = code_in(sent[0])
            said = []
            for n in range(6):
                guess = f"{(int(code) + 1 + n) % 1_000_000:06d}"
                csrf = re.search(
                    r'name="csrf_token" value="([^"]+)"',
                    attacker.get(f"{base}/r/{reference}", headers=ATTACKER, timeout=10).text,
                )
                assert csrf
                answer = attacker.post(
                    f"{base}/r/{reference}/confirm?lang=en",
                    data={"csrf_token": csrf.group(1), "code": guess, "lang": "en"},
                    headers=ATTACKER,
                    timeout=10,
                )
                said.append(answer.url.rsplit("said=", 1)[-1])
    assert said[:4] == ["wrong"] * 4 and set(said[4:]) == {"used_up"}
    assert _resident(database_url, victim_hash) == before
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            typed = connection.execute(
                select(Contribution.contributor_id).where(Contribution.reference == reference)
            ).scalar_one()
            held = connection.execute(
                select(ContactConfirmation.confirmed_at, ContactConfirmation.attempts)
            ).one()
    finally:
        engine.dispose()
    assert typed is None and held == (None, 5)
    assert [m["To"] for m in twilio.messages].count(VICTIM) == 1
