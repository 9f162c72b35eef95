"""Originals in an S3-compatible object store: stored, read by range, lent, erased, backed up."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from intake.config import ConfigError
from intake.consultations import seed_demo
from intake.inbound import Inbound, InboundMedia
from intake.migrations import upgrade
from intake.objectstore import ObjectMediaStore, parse_media_url
from intake.receive import receive
from intake.runtime import Runtime
from intake.storage import MediaNotFoundError
from tests.cli import inspraak
from tests.conftest import make_settings
from tests.support.s3 import BUCKET, CREDENTIALS, ObjectServer, object_server

AUDIO = bytes(range(256)) * 400  # 100 kB standing in for a recording


@pytest.fixture(scope="module")
def s3() -> Iterator[ObjectServer]:
    with object_server() as server:
        yield server


@pytest.fixture(autouse=True)
def _credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)


def _store(s3: ObjectServer, tmp_path: Path, prefix: str, **options: str) -> ObjectMediaStore:
    return ObjectMediaStore(s3.media_url(prefix, **options), tmp_path / "tmp")


def test_an_original_is_stored_once_under_its_checksum_and_read_back_by_range(
    s3: ObjectServer, tmp_path: Path
) -> None:
    store = _store(s3, tmp_path, "ranges")
    key, size = store.put_bytes(AUDIO)
    assert (key, size) == (hashlib.sha256(AUDIO).hexdigest(), len(AUDIO))
    assert store.put_bytes(AUDIO) == (key, size)
    assert list(s3.objects("ranges")) == [f"ranges/{key[:2]}/{key[2:4]}/{key}"]

    assert store.size(key) == len(AUDIO)
    with store.open(key) as whole:
        assert whole.read() == AUDIO
    with store.open(key, 1000, 1100) as part:
        assert part.read() == AUDIO[1000:1100]
    with store.open(key, len(AUDIO) - 10) as tail:
        assert tail.read() == AUDIO[-10:]
    assert list(store.stored_keys()) == [key]


def test_the_engines_borrow_a_private_local_copy_that_is_removed_after(
    s3: ObjectServer, tmp_path: Path
) -> None:
    store = _store(s3, tmp_path, "lent")
    key, _ = store.put_bytes(AUDIO)
    with store.local(key) as path:
        assert path.read_bytes() == AUDIO
        assert path.stat().st_mode & 0o077 == 0
    assert not path.exists()
    assert not any((tmp_path / "tmp").iterdir())


def test_an_erased_original_is_gone_from_the_bucket(s3: ObjectServer, tmp_path: Path) -> None:
    store = _store(s3, tmp_path, "erased")
    key, _ = store.put_bytes(AUDIO)
    store.delete(key)
    store.delete(key)  # twice is not an error
    assert s3.objects("erased") == {}
    for read in (store.size, store.open, lambda k: store.local(k).__enter__()):
        with pytest.raises(MediaNotFoundError):
            read(key)


def test_a_changed_object_is_not_lent_as_the_original(s3: ObjectServer, tmp_path: Path) -> None:
    store = _store(s3, tmp_path, "changed")
    key, _ = store.put_bytes(AUDIO)
    s3.client().put_object(Bucket=BUCKET, Key=store.location.name(key), Body=b"something else")
    with pytest.raises(MediaNotFoundError), store.local(key):
        pass


def test_server_side_encryption_is_asked_for_when_configured(
    s3: ObjectServer, tmp_path: Path
) -> None:
    key, _ = _store(s3, tmp_path, "sealed", sse="AES256").put_bytes(AUDIO)
    (head,) = s3.objects("sealed").values()
    assert head["ServerSideEncryption"] == "AES256"
    assert key


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("s3://bucket?endpoint=http://s3.example.be", "https"),
        ("s3://key:secret@bucket", "credentials"),
        ("s3://bucket?sse=rot13", "sse"),
        ("s3://bucket?kms_key=abc", "kms_key"),
        ("s3://bucket?endpiont=https://s3.example.be", "endpiont"),
        ("https://bucket/prefix", "s3://"),
    ],
)
def test_an_unusable_media_url_is_refused_at_start(
    url: str, complaint: str, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match=complaint):
        make_settings(tmp_path / "data", INSPRAAK_MEDIA_URL=url)


def test_a_media_url_names_bucket_prefix_and_endpoint() -> None:
    location = parse_media_url(
        "s3://gemeente/inspraak/media/?endpoint=https://s3.example.be&region=eu-west-1"
        "&sse=aws:kms&kms_key=alias/inspraak"
    )
    assert (location.bucket, location.prefix) == ("gemeente", "inspraak/media/")
    assert (location.endpoint, location.region) == ("https://s3.example.be", "eu-west-1")
    assert (location.encryption, location.kms_key) == ("aws:kms", "alias/inspraak")
    assert location.name("ab" * 32) == f"inspraak/media/ab/ab/{'ab' * 32}"


def _runtime(data_dir: Path, s3: ObjectServer, prefix: str) -> Runtime:
    runtime = Runtime.start(make_settings(data_dir, **s3.env(prefix)))
    upgrade(runtime.db.engine)
    with runtime.db.session() as session:
        seed_demo(session)
        session.commit()
    return runtime


def test_a_backup_copies_the_bucket_and_restores_into_an_empty_one(
    s3: ObjectServer, tmp_path: Path
) -> None:
    source = _runtime(tmp_path / "source", s3, "bron")
    key, size = source.media.put_bytes(AUDIO)
    inbound = Inbound(
        channel="paper",
        language="nl",
        text="Een scan van het plein.",
        consultation_id=1,
        channel_message_id="met-bijlage",
        media=(InboundMedia("scan", "image/jpeg", key, size),),
    )
    with source.db.session() as session:
        receive(session, inbound)
        session.commit()
    source.db.dispose()

    backup = tmp_path / "backup"
    inspraak(tmp_path / "source", "backup", str(backup), **s3.env("bron"))
    assert (backup / "media" / key[:2] / key[2:4] / key).read_bytes() == AUDIO

    restored = tmp_path / "restored"
    refused = inspraak(restored, "restore", str(backup), check=False, **s3.env("bron"))
    assert refused.returncode != 0 and "empty" in refused.stderr
    inspraak(restored, "restore", str(backup), **s3.env("kopie"))
    assert list(s3.objects("kopie")) == [f"kopie/{key[:2]}/{key[2:4]}/{key}"]
    assert not (restored / "media").exists() or not any(os.scandir(restored / "media"))
