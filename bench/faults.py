"""Faults, measured: nothing acknowledged or queued may be lost when processes die or the
database goes away.

(a) `inspraak serve` (gunicorn) SIGKILLed and restarted under signed SMS load: messages
    acknowledged against messages stored; the same load without kills is the baseline.
(b) Jobs of every kind (download, transcription, OCR, reply) with the worker SIGKILLed at
    random moments: jobs lost, replies sent twice (the fake Twilio records every send);
    the same jobs done by one worker left alone are the baseline.
(c) PostgreSQL cut off (through a relay, as a restart or a network fault does) for a minute
    under SMS load, a worker running: messages lost, and how long the spool took to drain;
    the load before the outage is the baseline.

Run from the repository with its virtualenv: `python bench/faults.py [--restarts 10]
[--kills 100] [--outage-seconds 60] [--parts abc]`. Part (c) needs a PostgreSQL server
(`INSPRAAK_TEST_POSTGRES_URL`, as for the tests).
"""

from __future__ import annotations

import argparse
import collections
import http.client
import io
import json
import os
import random
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from sqlalchemy import create_engine, select, text  # noqa: E402

from admin.replies import reply  # noqa: E402
from intake.app import create_app  # noqa: E402
from intake.config import load_settings  # noqa: E402
from intake.inbound import Inbound, InboundMedia  # noqa: E402
from intake.jobs import enqueue  # noqa: E402
from intake.models import Attachment, Contribution  # noqa: E402
from intake.receive import receive  # noqa: E402
from intake.runtime import Runtime  # noqa: E402
from ocr.jobs import AWAITING_SCAN_READING, READ_SCAN_JOB  # noqa: E402
from tests.support.dbproxy import relay_for  # noqa: E402
from tests.support.twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio, fake_twilio  # noqa: E402
from transcription.jobs import AWAITING_TRANSCRIPTION, TRANSCRIBE_JOB  # noqa: E402
from transcription.speech_models import packaged_korean_model  # noqa: E402

BIN = Path(sys.executable).parent
PUBLIC_URL = "https://inspraak.example.be"
PATH = "/hooks/twilio/sms"
SENDERS = 8
PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40 + b"\xff\xd9"
TEXTS = [
    "DEMO Ik zou graag meer bomen en schaduw zien in het park, met bankjes voor ouderen.",
    "DEMO Je voudrais une aire de jeux fermée pour les petits et une fontaine à eau.",
    "DEMO Please keep the old shipyard crane as a landmark and add a dog park.",
]
SMS_QUERY = "SELECT channel_message_id FROM contribution WHERE channel = 'sms'"


class Ledger:
    """What the senders saw: MessageSids acknowledged (200), requests not answered."""

    def __init__(self) -> None:
        self.acknowledged: set[str] = set()
        self.unanswered = 0
        self.lock = threading.Lock()


def _params(number: str, body: str) -> dict[str, str]:
    sid = "SM" + secrets.token_hex(16)
    return {
        "MessageSid": sid,
        "SmsMessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": number,
        "To": "+3225550100",
        "Body": body,
        "NumMedia": "0",
        "ApiVersion": "2010-04-01",
    }


def _sender(port: int, ledger: Ledger, stop: threading.Event) -> None:
    """Text as one phone until `stop`: a message unanswered is not resent (Twilio does not)."""
    validator = RequestValidator(AUTH_TOKEN)
    number = f"+32470{random.randrange(10**6):06d}"
    connection: http.client.HTTPConnection | None = None
    while not stop.is_set():
        params = _params(number, random.choice(TEXTS))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": validator.compute_signature(PUBLIC_URL + PATH, params),
        }
        try:
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("POST", PATH, urllib.parse.urlencode(params), headers)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = 0
            if connection is not None:
                connection.close()
            connection = None
        with ledger.lock:
            if status == 200:
                ledger.acknowledged.add(params["MessageSid"])
            else:
                ledger.unanswered += 1
        if status != 200:
            time.sleep(0.05)


@contextmanager
def load(port: int, ledger: Ledger) -> Iterator[None]:
    """Keep SENDERS phones texting the server on `port` for the block."""
    stop = threading.Event()
    threads = [
        threading.Thread(target=_sender, args=(port, ledger, stop), daemon=True)
        for _ in range(SENDERS)
    ]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """Start `inspraak serve` in a process group of its own and wait until it answers."""
    command = [str(BIN / "inspraak"), "serve", "--port", str(port), "--workers", "2"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            return process
        except OSError as error:
            answered = isinstance(error, urllib.error.HTTPError)  # 503: up, database away
            if answered:
                return process
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("inspraak serve did not answer") from None
            time.sleep(0.1)


def _kill_group(process: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
    os.killpg(process.pid, sig)
    process.wait(60)


def _installation(work: Path, twilio: FakeTwilio, **extra: str) -> dict[str, str]:
    """Migrate a data dir with the demo consultation; return the environment to run it."""
    env = {
        **os.environ,
        "INSPRAAK_DATA_DIR": str(work / "data"),
        # Each phone here texts far more than a resident's limit allows.
        "INSPRAAK_QUOTA_MESSAGES": "off",
        "INSPRAAK_QUOTA_MEDIA": "off",
        **twilio.env(INSPRAAK_PUBLIC_URL=PUBLIC_URL),
        **extra,
    }
    if "INSPRAAK_DATABASE_URL" not in extra:
        env.pop("INSPRAAK_DATABASE_URL", None)
    for step in (["db", "upgrade"], ["demo"]):
        subprocess.run([BIN / "inspraak", *step], env=env, check=True, capture_output=True)
    return env


def _sqlite_sids(work: Path) -> list[str]:
    with sqlite3.connect(work / "data" / "inspraak.db") as connection:
        return [row[0] for row in connection.execute(SMS_QUERY)]


def _tally(label: str, ledger: Ledger, stored: list[str], seconds: float) -> None:
    """Print what the phones saw against what the database holds."""
    lost = len(ledger.acknowledged - set(stored))
    twice = sum(
        n - 1
        for sid, n in collections.Counter(stored).items()
        if sid in ledger.acknowledged and n > 1
    )
    print(
        f"  {label:24} {len(ledger.acknowledged):6} acknowledged "
        f"({len(ledger.acknowledged) / seconds:5.1f}/s), {ledger.unanswered:5} unanswered: "
        f"{lost} lost, {twice} stored twice"
    )


def web_kills(restarts: int, twilio: FakeTwilio) -> None:
    """(a) Kill and restart the web server under load; the same load unbroken first."""
    print(f"(a) SMS load, {SENDERS} phones, web server SIGKILLed {restarts} times")
    spans = [random.uniform(1.0, 3.0) for _ in range(restarts + 1)]
    for kills in (0, restarts):
        work = Path(tempfile.mkdtemp(prefix="inspraak-bench-faults-"))
        env = _installation(work, twilio)
        port = _free_port()
        ledger = Ledger()
        server = _serve(env, port)
        started = time.monotonic()
        down = 0.0
        with load(port, ledger):
            for span in spans[:kills]:
                time.sleep(span)
                _kill_group(server)
                killed = time.monotonic()
                server = _serve(env, port)
                down += time.monotonic() - killed
            time.sleep(spans[-1] if kills else sum(spans))
        seconds = time.monotonic() - started
        _kill_group(server, signal.SIGTERM)
        label = f"{kills} SIGKILLs" if kills else "baseline, no kills"
        _tally(label, ledger, _sqlite_sids(work), seconds)
        if kills:
            print(f"  {'':24} down {down / kills:.1f} s per restart (until /healthz answers)")


def _speech(folder: Path) -> bytes:
    wav = folder / "speech.wav"
    subprocess.run(
        [
            "espeak-ng",
            "-v",
            "ko",
            "-s",
            "140",
            "-w",
            str(wav),
            "안녕하세요 공원에 나무를 더 심어 주세요",
        ],
        check=True,
        capture_output=True,
    )
    return wav.read_bytes()


def _scan() -> bytes:
    page = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(page)
    for line in range(12):
        draw.text((100, 150 + 60 * line), "Meer bomen in het park, graag. " * 3, fill=0)
    out = io.BytesIO()
    page.save(out, format="PNG")
    return out.getvalue()


def _queue_jobs(env: dict[str, str], twilio: FakeTwilio, scale: int, folder: Path) -> None:
    """Queue downloads, transcriptions, readings of scans and replies through the real code."""
    runtime = Runtime.start(load_settings(env))
    client = create_app(runtime_=runtime).test_client()
    validator = RequestValidator(AUTH_TOKEN)
    for n in range(scale * 4):  # downloads: a picture sent with a text
        params = _params(f"+3247100{n:04d}", f"DEMO Foto {n}")
        params.update(
            NumMedia="1", MediaUrl0=twilio.add_media(PHOTO), MediaContentType0="image/jpeg"
        )
        signature = validator.compute_signature(PUBLIC_URL + PATH, params)
        assert (
            client.post(PATH, data=params, headers={"X-Twilio-Signature": signature}).status_code
            == 200
        )
    files = [
        ("audio", "audio/x-wav", _speech(folder), TRANSCRIBE_JOB, AWAITING_TRANSCRIPTION)
    ] * scale
    files += [("photo", "image/png", _scan(), READ_SCAN_JOB, AWAITING_SCAN_READING)] * scale
    for kind, media_type, data, job, reason in files:
        sha256, size = runtime.media.put_bytes(data)
        with runtime.db.session() as session:
            receipt = receive(
                session,
                Inbound(
                    channel="voice" if kind == "audio" else "telegram",
                    language="nl",
                    text_origin="none",
                    media=(InboundMedia(kind, media_type, sha256=sha256, size=size),),
                    needs_person_reason=reason,
                ),
            )
            attachment = session.scalars(
                select(Attachment.id).where(Attachment.contribution_id == receipt.id)
            ).one()
            payload = {"contribution_id": receipt.id, "attachment_id": attachment, "language": "nl"}
            enqueue(session, job, payload, contribution_id=receipt.id)
            session.commit()
    with runtime.db.session() as session:  # replies: one to each resident who texted
        for contribution in session.scalars(
            select(Contribution).where(Contribution.channel == "sms")
        ):
            body = f"Dank u, {contribution.reference}: we lezen alles."
            assert reply(session, contribution, body, runtime.registry) is not None
        session.commit()
    runtime.db.dispose()


def _job_states(work: Path) -> collections.Counter[tuple[str, str]]:
    with sqlite3.connect(work / "data" / "inspraak.db") as connection:
        return collections.Counter(connection.execute("SELECT kind, status FROM job"))


def _unfinished(work: Path) -> int:
    with sqlite3.connect(work / "data" / "inspraak.db") as connection:
        query = "SELECT count(*) FROM job WHERE status IN ('queued', 'running')"
        return int(connection.execute(query).fetchone()[0])


def worker_kills(kills: int, scale: int) -> None:
    """(b) Kill the worker at random moments while jobs of every kind wait."""
    print(f"(b) jobs of every kind, worker SIGKILLed up to {kills} times at random moments")
    worker = [str(BIN / "inspraak"), "worker"]
    for killing in (False, True):
        with fake_twilio() as twilio:
            work = Path(tempfile.mkdtemp(prefix="inspraak-bench-faults-"))
            env = _installation(
                work,
                twilio,
                INSPRAAK_VOSK_MODEL_NL=str(packaged_korean_model()),
                INSPRAAK_JOB_LEASE_SECONDS="3",
            )
            _queue_jobs(env, twilio, scale, work)
            queued = sum(_job_states(work).values())
            started = time.monotonic()
            done_kills = 0
            while killing and done_kills < kills and _unfinished(work):
                victim = subprocess.Popen(worker, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
                time.sleep(random.uniform(0.3, 4.0))
                victim.send_signal(signal.SIGKILL)
                victim.wait()
                done_kills += 1
            # Then one worker left alone finishes (a killed worker's lease runs out first).
            while _unfinished(work):
                subprocess.run([*worker, "--until-idle"], cwd=ROOT, env=env, capture_output=True)
                if _unfinished(work):
                    time.sleep(1)
            seconds = time.monotonic() - started
            states = _job_states(work)
            replies = [m["Body"] for m in twilio.messages if m["Body"].startswith("Dank u")]
            twice = sum(n - 1 for n in collections.Counter(replies).values() if n > 1)
            kinds = sorted({kind for kind, _status in states})
            lost = sum(n for (_kind, status), n in states.items() if status != "done")
            label = f"{done_kills} SIGKILLs" if killing else "baseline, no kills"
            print(
                f"  {label:28} {queued} jobs queued ({', '.join(kinds)}), "
                f"{sum(states.values())} in all: {lost} not done, "
                f"{len(replies)} replies sent for {len(set(replies))} asked: {twice} twice; "
                f"{seconds:.0f} s"
            )
            for (kind, status), n in sorted(states.items()):
                if status != "done":
                    print(f"    {kind}: {n} {status}")


def _postgres_schema() -> tuple[str, Any]:
    base = os.environ.get(
        "INSPRAAK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    schema = f"bench_{secrets.token_hex(5)}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}", (admin, schema)


def outage(seconds: float, twilio: FakeTwilio) -> None:
    """(c) Cut PostgreSQL off for `seconds` under SMS load, a worker running."""

    print(f"(c) SMS load, {SENDERS} phones, PostgreSQL cut off for {seconds:.0f} s")
    url, (admin, schema) = _postgres_schema()
    try:
        with relay_for(url) as relay:
            work = Path(tempfile.mkdtemp(prefix="inspraak-bench-faults-"))
            env = _installation(work, twilio, INSPRAAK_DATABASE_URL=relay.url(url))
            port = _free_port()
            server = _serve(env, port)
            worker = subprocess.Popen(
                [str(BIN / "inspraak"), "worker"], cwd=ROOT, env=env, stderr=subprocess.DEVNULL
            )
            before, during = Ledger(), Ledger()
            edge = min(seconds, 15.0)
            with load(port, before):
                time.sleep(edge)
            with load(port, during):
                relay.cut()
                time.sleep(seconds)
                relay.restore()
            spooled_at = time.monotonic()
            while _spool_depth(port):
                time.sleep(0.5)
            drained = time.monotonic() - spooled_at
            time.sleep(2)  # the last replies
            engine = create_engine(url)
            with engine.connect() as connection:
                stored = [row[0] for row in connection.execute(text(SMS_QUERY))]
            engine.dispose()
            worker.send_signal(signal.SIGTERM)
            worker.wait(60)
            _kill_group(server, signal.SIGTERM)
            _tally("baseline, database up", before, stored, edge)
            _tally("database cut off", during, stored, seconds)
            print(
                f"  spool drained {drained:.1f} s after the database came back; "
                f"{len(twilio.messages)} references texted afterwards"
            )
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _spool_depth(port: int) -> int:
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read()
    except urllib.error.HTTPError as error:
        body = error.read()
    return int(json.loads(body)["spool"]["waiting"])


def main() -> None:
    """Run the parts asked for and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--restarts", type=int, default=10, help="web server SIGKILLs (a)")
    parser.add_argument("--kills", type=int, default=100, help="worker SIGKILLs at most (b)")
    parser.add_argument("--jobs", type=int, default=25, help="transcriptions, scans (b)")
    parser.add_argument("--outage-seconds", type=float, default=60.0, help="outage length (c)")
    parser.add_argument("--parts", default="abc", help="which of a, b, c to run")
    options = parser.parse_args()
    with fake_twilio() as twilio:
        if "a" in options.parts:
            web_kills(options.restarts, twilio)
        if "b" in options.parts:
            worker_kills(options.kills, options.jobs)
        if "c" in options.parts:
            outage(options.outage_seconds, twilio)


if __name__ == "__main__":
    main()
