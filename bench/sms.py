"""Signed SMS webhooks through the real server, beside a bare signed insert on the same server.

Both run under gunicorn with the same workers and threads, in turns, in one run: throughput
at saturation (20 concurrent senders) and p50/p95 latency at a steady 100 requests per
second. One request in ten is a retry of an earlier message (same MessageSid), as Twilio
sends when an answer is slow. At the end of each turn the stored messages are counted:
every acknowledged message must be there exactly once.
"""

from __future__ import annotations

import http.client
import os
import random
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import threading
import urllib.parse
import urllib.request
from pathlib import Path

from twilio.request_validator import RequestValidator

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import ROOT, Turns, saturate, serving, steady  # noqa: E402

BIN = Path(sys.executable).parent
WORKERS, THREADS = "2", "4"
SENDERS, SATURATION_SECONDS, STEADY_SECONDS, RATE, TURNS = 20, 8.0, 10.0, 100.0, 5
RETRY_SHARE = 0.10
PUBLIC_URL = "https://inspraak.example.be"
PATH = "/hooks/twilio/sms"
TOKEN = "b" * 32
ACCOUNT = "AC" + "0" * 32
TEXTS = [
    "DEMO Ik zou graag meer bomen en schaduw zien in het park, met bankjes voor ouderen.",
    "DEMO Je voudrais une aire de jeux fermée pour les petits et une fontaine à eau.",
    "DEMO Please keep the old shipyard crane as a landmark and add a dog park.",
]


class Ledger:
    """Every MessageSid a server acknowledged, to count against the database afterwards."""

    def __init__(self) -> None:
        self.acknowledged: set[str] = set()
        self.lock = threading.Lock()


class Sender:
    """One phone texting through Twilio: signs each webhook, now and then sends one again."""

    def __init__(self, host: str, port: int, ledger: Ledger) -> None:
        self.connection = http.client.HTTPConnection(host, port, timeout=30)
        self.number = f"+32470{random.randrange(10**6):06d}"
        self.validator = RequestValidator(TOKEN)
        self.ledger = ledger
        self.sent: list[dict[str, str]] = []

    def post(self) -> int:
        """Send one webhook (a retry one time in ten) and return the HTTP status."""
        if self.sent and random.random() < RETRY_SHARE:
            params = random.choice(self.sent)
        else:
            sid = "SM" + secrets.token_hex(16)
            params = {
                "MessageSid": sid,
                "SmsMessageSid": sid,
                "AccountSid": ACCOUNT,
                "From": self.number,
                "To": "+3225550100",
                "Body": random.choice(TEXTS),
                "NumMedia": "0",
                "ApiVersion": "2010-04-01",
            }
            self.sent.append(params)
        signature = self.validator.compute_signature(PUBLIC_URL + PATH, params)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature,
        }
        self.connection.request("POST", PATH, urllib.parse.urlencode(params), headers)
        response = self.connection.getresponse()
        response.read()
        if response.status == 200:
            with self.ledger.lock:
                self.ledger.acknowledged.add(params["MessageSid"])
        return response.status


def stored_sids(database: Path, query: str) -> list[str]:
    """Return every stored MessageSid (with repeats, so duplicates show)."""
    with sqlite3.connect(database) as connection:
        return [row[0] for row in connection.execute(query)]


def main() -> None:
    """Measure both servers in turns, check counts, and print the comparison."""
    work = Path(tempfile.mkdtemp(prefix="inspraak-bench-sms-"))
    env = {
        **os.environ,
        "INSPRAAK_DATA_DIR": str(work / "data"),
        "INSPRAAK_PUBLIC_URL": PUBLIC_URL,
        "TWILIO_ACCOUNT_SID": ACCOUNT,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "BARE_DATABASE": str(work / "bare.db"),
        # Each sender here texts hundreds of times a minute, far over any resident's limit:
        # with the limit off every message takes the whole path, its counting included.
        "INSPRAAK_QUOTA_MESSAGES": "off",
    }
    env.pop("INSPRAAK_DATABASE_URL", None)
    subprocess.run([BIN / "inspraak", "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([BIN / "inspraak", "demo"], env=env, check=True, capture_output=True)
    gunicorn = [str(BIN / "gunicorn"), "-w", WORKERS, "-k", "gthread", "--threads", THREADS]
    servers = {
        "bare signed insert": (
            [*gunicorn, "-b", "127.0.0.1:8311", "--chdir", str(ROOT / "bench"), "bare_sms:app"],
            8311,
            work / "bare.db",
            "SELECT sid FROM message",
        ),
        "Inspraak SMS": (
            [
                str(BIN / "inspraak"),
                "serve",
                "--port",
                "8312",
                "--workers",
                WORKERS,
                "--threads",
                THREADS,
            ],
            8312,
            work / "data" / "inspraak.db",
            "SELECT channel_message_id FROM contribution WHERE channel = 'sms'",
        ),
    }
    turns = Turns(list(servers), RATE)
    ledgers = {name: Ledger() for name in servers}
    for turn in range(TURNS):
        for name, (command, port, _database, _query) in servers.items():
            ledger = ledgers[name]

            def make(port: int = port, ledger: Ledger = ledger) -> Sender:
                return Sender("127.0.0.1", port, ledger)

            with serving(command, env, port, "/healthz"):
                saturated = saturate("127.0.0.1", port, SENDERS, SATURATION_SECONDS, make)
                paced = steady("127.0.0.1", port, RATE, STEADY_SECONDS, make_client=make)
            turns.add(turn, name, saturated, paced)
    print()
    for name, (_command, _port, database, query) in servers.items():
        stored = stored_sids(database, query)
        acknowledged = ledgers[name].acknowledged
        duplicates = len(stored) - len(set(stored))
        lost = len(acknowledged - set(stored))
        print(
            f"{name:18} {len(acknowledged)} messages acknowledged, {len(stored)} stored: "
            f"{duplicates} duplicates, {lost} lost"
        )
    turns.summary(
        f"median of {TURNS} turns, {SENDERS} senders, {RETRY_SHARE:.0%} retries",
        "bare signed insert",
        "Inspraak SMS",
        "Inspraak SMS",
    )


if __name__ == "__main__":
    main()
