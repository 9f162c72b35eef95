"""Two machines: two web and two worker processes, each with a data dir of its own, sharing
only the PostgreSQL server and an S3-compatible bucket, serving two municipalities. Texts,
voicemails and scans for either municipality that arrive at either machine are each
processed exactly once, for their own municipality, and no original stays on a disk.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import requests
from sqlalchemy import func, select

from intake.models import Attachment, Contribution, Job, JobStatus, PrintedForm
from intake.runtime import Runtime
from intake.tenancy import every_tenant, scoped
from ocr.forms import FormLayout
from tests.channels.paper.conftest import SHORT, lab, paper
from tests.cli import ROOT, inspraak
from tests.conftest import make_settings
from tests.server import running_server, stop
from tests.support.s3 import object_server
from tests.support.twilio import (
    ACCOUNT_SID,
    OUR_NUMBER,
    fake_twilio,
    message_params,
    new_sid,
    sign,
)
from tests.transcription.speech import SENTENCE, encode, speak
from transcription.speech_models import packaged_korean_model

TEXTS = 8
CALLS = 2
# Gemeente B's Twilio number; the installation's own (OUR_NUMBER) is the default's.
B = "+3250111111"


@contextmanager
def _worker(data_dir: Path, env: dict[str, str]) -> Iterator[None]:
    process = subprocess.Popen(
        [sys.executable, "-m", "intake", "worker"],
        cwd=ROOT,
        env={**os.environ, "INSPRAAK_DATA_DIR": str(data_dir), **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        stop(process, 30)


def _text(base: str, number: int, to: str) -> str:
    params = message_params(f"DEMO Meer bomen, bericht {number}", number=f"+3247055{number:04d}")
    params["To"] = to
    url = f"{base}/hooks/twilio/sms"
    answer = requests.post(url, data=params, headers={"X-Twilio-Signature": sign(url, params)})
    # The reference goes back in the webhook's own answer (TwiML), from either machine.
    assert answer.status_code == 200 and "<Message>" in answer.text
    return params["MessageSid"]


def _call(base: str, twilio: object, audio: bytes, number: int, to: str) -> str:
    call = {
        "AccountSid": ACCOUNT_SID,
        "CallSid": new_sid("CA"),
        "From": f"+3250{number:06d}",
        "To": to,
    }

    def post(url: str, **extra: str) -> requests.Response:
        params = {**call, **extra}
        return requests.post(url, data=params, headers={"X-Twilio-Signature": sign(url, params)})

    greeting = ET.fromstring(post(f"{base}/hooks/twilio/voice").content)
    gather = greeting.find("Gather")
    assert gather is not None
    question = ET.fromstring(post(gather.attrib["action"], Digits="1").content)
    record = question.find("Record")
    assert record is not None
    sid, url = twilio.add_recording(audio)  # type: ignore[attr-defined]
    fields = {"RecordingSid": sid, "RecordingUrl": url, "RecordingDuration": "4"}
    assert post(record.attrib["action"], Digits="#", **fields).status_code == 200
    return sid


def _settled(runtime: Runtime, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with runtime.db.session(write=False) as session:
            waiting = session.scalar(
                select(func.count())
                .where(Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)))
                .execution_options(**every_tenant())
            )
        if not waiting:
            return
        time.sleep(0.5)
    raise AssertionError("the workers did not finish the jobs")


def test_two_machines_share_only_the_database_and_the_bucket(
    postgres_schema_url: str, tmp_path: Path
) -> None:
    machines = [tmp_path / "web-a", tmp_path / "web-b"]
    speak(SENTENCE, tmp_path / "source.wav")
    audio = encode(tmp_path / "source.wav", tmp_path / "phone.wav", ["-ar", "8000"]).read_bytes()
    with ExitStack() as stack:
        s3 = stack.enter_context(object_server())
        twilio = stack.enter_context(fake_twilio())
        shared = {
            **twilio.env(),
            **s3.env("gedeeld"),
            "INSPRAAK_DATABASE_URL": postgres_schema_url,
            # The keyed hashes of residents' numbers must agree between machines.
            "INSPRAAK_SECRET_KEY": secrets.token_urlsafe(32),
            "INSPRAAK_VOSK_MODEL_NL": str(packaged_korean_model()),
        }
        inspraak(machines[0], "db", "upgrade", **shared)
        inspraak(machines[0], "demo", **shared)
        inspraak(machines[1], "tenant", "add", "gemeente-b", "--name", "B", "--number", B, **shared)
        inspraak(machines[1], "--tenant", "gemeente-b", "demo", **shared)
        numbers = [OUR_NUMBER, B]
        runtime = Runtime.start(make_settings(machines[0], postgres_schema_url, **shared))
        stack.callback(runtime.db.dispose)
        bases = [stack.enter_context(running_server(m, **shared)) for m in machines]
        for machine in machines:
            stack.enter_context(_worker(machine, shared))

        # Texts and calls to each municipality's number, at either machine.
        sent = [_text(bases[n % 2], n, numbers[n // 2 % 2]) for n in range(TEXTS)]
        recordings = [_call(bases[n % 2], twilio, audio, n, numbers[n]) for n in range(CALLS)]
        # Each municipality's form, scanned and imported on the other machine.
        for n, (machine, tenant) in enumerate(
            zip(machines, ("default", "gemeente-b"), strict=True)
        ):
            form = tmp_path / f"form-{n}.pdf"
            on = ("--tenant", tenant)
            inspraak(
                machine, *on, "forms", "print", "demo", "--lang", "nl", "-o", str(form), **shared
            )
            with scoped(1 + n), runtime.db.session(write=False) as session:
                layout = FormLayout.from_json(session.scalars(select(PrintedForm.layout)).one())
            filled = lab.fill(form.read_bytes(), layout, SHORT, seed=40 + n)[0]
            scan = tmp_path / f"scan-{n}.png"
            paper.scan(filled, dpi=200, angle=0.5, seed=40 + n).save(scan, dpi=(200, 200))
            other = machines[1 - n]
            inspraak(other, *on, "scans", "import", "--queue-only", str(scan), **shared)
        _settled(runtime)

        with runtime.db.session(write=False) as session:
            stored = session.execute(
                select(
                    Contribution.tenant_id,
                    Contribution.channel,
                    Contribution.channel_message_id,
                    Contribution.text,
                ).execution_options(**every_tenant())
            ).all()
            keys = {
                a.sha256
                for a in session.scalars(select(Attachment).execution_options(**every_tenant()))
                if a.sha256
            }
            dead = session.scalars(
                select(Job.kind)
                .where(Job.status == JobStatus.DEAD)
                .execution_options(**every_tenant())
            ).all()
        by_channel = {
            c: sorted(m for _n, ch, m, _t in stored if ch == c) for _n, c, _m, _t in stored
        }
        assert by_channel["sms"] == sorted(sent)
        assert len(by_channel["voice"]) == CALLS
        assert len(by_channel["paper"]) == 2
        assert all("hondenweide" in t.lower() for _n, c, _m, t in stored if c == "paper")
        assert all(t for _n, c, _m, t in stored if c == "voice")  # transcribed, once each
        # Each municipality got its own: half the texts, one call and one scan.
        for tenant in (1, 2):
            mine = [c for n, c, _m, _t in stored if n == tenant]
            assert sorted(mine) == sorted(["paper", "voice"] + ["sms"] * (TEXTS // 2))
        assert dead == []
        assert sorted(twilio.deleted) == sorted(recordings)
        assert keys == {name.rpartition("/")[2] for name in s3.objects("gedeeld")}
        for machine in machines:
            assert not any(p.is_file() for p in (machine / "media").rglob("*"))
