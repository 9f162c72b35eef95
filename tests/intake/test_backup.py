"""`inspraak backup` and `restore`: a copy taken while the service runs comes back whole."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, make_url, text

from intake import consultations
from intake.backup import MANIFEST, read_manifest
from intake.consultations import seed_demo
from intake.inbound import Inbound, InboundMedia
from intake.migrations import upgrade
from intake.receive import receive
from intake.reporting import export as exporting
from intake.runtime import Runtime
from tests.cli import ROOT, inspraak
from tests.conftest import make_settings
from tests.server import running_server
from tests.support.twilio import FakeTwilio, fake_twilio, message_params, sign


def _media_checksums(data_dir: Path) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in (data_dir / "media").glob("??/??/*")
    }


def _export(data_dir: Path, database_url: str) -> list[dict[str, object]]:
    runtime = Runtime.start(make_settings(data_dir, database_url))
    try:
        with runtime.db.session(write=False) as session:
            demo = consultations.find(session, "demo")
            records = exporting.rows(session, demo, personal=True)
            return list(json.loads(exporting.to_json(records)))
    finally:
        runtime.db.dispose()


def _prepare(data_dir: Path, database_url: str) -> None:
    runtime = Runtime.start(make_settings(data_dir, database_url))
    upgrade(runtime.db.engine)
    with runtime.db.session() as session:
        seed_demo(session)
        session.commit()
    runtime.db.dispose()


@pytest.fixture
def restore_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database to restore into: a new file, or a new PostgreSQL database."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'inspraak.db'}"
        return
    source = make_url(database_url)
    name = f"restore_{secrets.token_hex(4)}"
    admin = create_engine(source.set(query={}), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    # The same schema options: the dump recreates the source's schema in the new database.
    yield source.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


def _seed(runtime: Runtime, count: int) -> None:
    with runtime.db.session() as session:
        for number in range(count):
            key, size = runtime.media.put_bytes(f"scan {number} ".encode() * 200)
            receive(
                session,
                Inbound(
                    channel="paper",
                    language="nl",
                    text=f"Bijdrage {number}: meer bomen in de Kerkstraat",
                    consultation_id=1,
                    channel_message_id=f"seed-{number}",
                    media=(InboundMedia("scan", "image/jpeg", key, size),),
                ),
            )
        session.commit()


def test_a_restored_backup_gives_the_same_export_and_media(
    any_runtime: Runtime, database_url: str, restore_url: str, tmp_path: Path
) -> None:
    _seed(any_runtime, 12)
    source = any_runtime.settings.data_dir
    backup = tmp_path / "backup"
    done = inspraak(source, "backup", str(backup), INSPRAAK_DATABASE_URL=database_url)
    assert "12 media files" in done.stdout
    assert oct(backup.stat().st_mode & 0o777) == "0o700"
    manifest = read_manifest(backup)
    assert manifest.media_files == 12 and manifest.missing_media == ()

    target = tmp_path / "restored"
    inspraak(target, "restore", str(backup), INSPRAAK_DATABASE_URL=restore_url)
    assert _export(target, restore_url) == _export(source, database_url)
    assert _media_checksums(target) == _media_checksums(source)
    assert all(name == digest for name, digest in _media_checksums(target).items())
    # The residents' keyed hashes were made with the source's secret: it came along.
    assert (target / "secret_key").read_text() == (source / "secret_key").read_text()


def test_a_damaged_or_unfinished_backup_is_refused(
    any_runtime: Runtime, database_url: str, restore_url: str, tmp_path: Path
) -> None:
    _seed(any_runtime, 3)
    backup = tmp_path / "backup"
    inspraak(
        any_runtime.settings.data_dir, "backup", str(backup), INSPRAAK_DATABASE_URL=database_url
    )
    damaged = next((backup / "media").glob("??/??/*"))
    damaged.write_bytes(damaged.read_bytes()[:-1] + b"!")
    target = tmp_path / "restored"
    refused = inspraak(
        target, "restore", str(backup), check=False, INSPRAAK_DATABASE_URL=restore_url
    )
    assert refused.returncode == 1
    assert f"damaged: media/{damaged.name[:2]}/{damaged.name[2:4]}/{damaged.name}" in refused.stderr
    assert not any((target / "media").glob("??/??/*"))

    (backup / MANIFEST).unlink()
    refused = inspraak(
        target, "restore", str(backup), check=False, INSPRAAK_DATABASE_URL=restore_url
    )
    assert refused.returncode == 1 and "incomplete" in refused.stderr


def test_restore_never_overwrites_a_data_dir_in_use(runtime: Runtime, tmp_path: Path) -> None:
    _seed(runtime, 2)
    data_dir = runtime.settings.data_dir
    backup = tmp_path / "backup"
    inspraak(data_dir, "backup", str(backup))
    before = _export(data_dir, runtime.settings.database_url)
    refused = inspraak(data_dir, "restore", str(backup), check=False)
    assert refused.returncode == 1 and "empty" in refused.stderr
    assert _export(data_dir, runtime.settings.database_url) == before
    again = inspraak(data_dir, "backup", str(backup), check=False)
    assert again.returncode == 1 and "not empty" in again.stderr


def test_an_incremental_backup_links_the_media_it_already_has(
    runtime: Runtime, tmp_path: Path
) -> None:
    _seed(runtime, 4)
    data_dir = runtime.settings.data_dir
    inspraak(data_dir, "backup", str(tmp_path / "monday"))
    runtime.media.put_bytes(b"one more scan" * 100)
    inspraak(data_dir, "backup", str(tmp_path / "tuesday"), "--link-dest", str(tmp_path / "monday"))
    monday = {p.name: p.stat().st_ino for p in (tmp_path / "monday" / "media").glob("??/??/*")}
    tuesday = {p.name: p.stat().st_ino for p in (tmp_path / "tuesday" / "media").glob("??/??/*")}
    assert len(tuesday) == 5 and all(tuesday[name] == inode for name, inode in monday.items())


def test_a_backup_taken_under_load_is_consistent(
    database_url: str, restore_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "source"
    with fake_twilio() as twilio:
        env = {**twilio.env(), "INSPRAAK_DATABASE_URL": database_url}
        _prepare(source, database_url)
        with running_server(source, **env) as base:
            worker = subprocess.Popen(
                [sys.executable, "-m", "intake", "worker"],
                cwd=ROOT,
                env={**_environment(source), **env},
                stderr=subprocess.DEVNULL,
            )
            stop = threading.Event()
            sent: list[str] = []
            sender = threading.Thread(target=_send_texts, args=(base, twilio, stop, sent))
            sender.start()
            try:
                _wait_for(lambda: len(sent) >= 20)
                backup = tmp_path / "backup"
                inspraak(source, "backup", str(backup), **env)
                _wait_for(lambda: len(sent) >= 40)
            finally:
                stop.set()
                sender.join()
                worker.terminate()
                worker.wait(timeout=60)

    manifest = read_manifest(backup)
    assert manifest.missing_media == ()
    target = tmp_path / "restored"
    inspraak(target, "restore", str(backup), INSPRAAK_DATABASE_URL=restore_url)
    restored = {c["reference"]: c for c in _export(target, restore_url)}
    live = {c["reference"]: c for c in _export(source, database_url)}
    # A snapshot: a prefix of what arrived, each contribution as it was, nothing invented.
    assert 20 <= len(restored) < len(live)
    for reference, contribution in restored.items():
        assert (contribution["text"], contribution["received_at"]) == (
            live[reference]["text"],
            live[reference]["received_at"],
        )
    on_disk = _media_checksums(target)
    assert all(name == digest for name, digest in on_disk.items())
    for contribution in restored.values():
        for attachment in contribution["attachments"]:  # type: ignore[attr-defined]
            assert attachment["sha256"] is None or attachment["sha256"] in on_disk


def _environment(data_dir: Path) -> dict[str, str]:
    return {**os.environ, "INSPRAAK_DATA_DIR": str(data_dir)}


def _wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the load never got that far"
        time.sleep(0.1)


def _send_texts(base: str, twilio: FakeTwilio, stop: threading.Event, sent: list[str]) -> None:
    url = f"{base}/hooks/twilio/sms"
    number = 0
    while not stop.is_set():
        number += 1
        photo = twilio.add_media(f"photo {number}".encode() * 500)
        params = message_params(
            f"DEMO Bericht {number} over het park",
            number=f"+3247{number:07d}",
            media=[(photo, "image/jpeg")],
        )
        answer = requests.post(
            url, data=params, headers={"X-Twilio-Signature": sign(url, params)}, timeout=30
        )
        assert answer.status_code == 200
        sent.append(params["MessageSid"])
        time.sleep(0.02)
