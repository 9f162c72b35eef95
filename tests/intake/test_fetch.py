"""Media downloads: only from allowed hosts, size-capped, credentials never leaked."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from intake.fetch import MediaFetchError, MediaRefusedError, fetch_media, host_allowed
from intake.storage import LocalMediaStore
from tests.support.http import Reply, fake_server

ALLOWED = ("http://127.0.0.1",)  # the fake server speaks plain http, listed as such


def test_a_download_is_stored_under_its_sha256(tmp_path: Path) -> None:
    store = LocalMediaStore(tmp_path)
    with fake_server() as server:
        server.route("GET", "/m.jpg", Reply(200, b"\xff\xd8jpeg", {"Content-Type": "image/jpeg"}))
        fetched = fetch_media(
            f"{server.base_url}/m.jpg",
            store,
            allowed_hosts=ALLOWED,
            max_bytes=1000,
            auth=("AC1", "token"),
        )
    assert fetched.sha256 == hashlib.sha256(b"\xff\xd8jpeg").hexdigest()
    assert fetched.media_type == "image/jpeg" and fetched.size == 6
    with store.open(fetched.sha256) as stored:
        assert stored.read() == b"\xff\xd8jpeg"
    assert server.requests[0].basic_auth == ("AC1", "token")


def test_hosts_not_allowed_are_refused_before_any_request(tmp_path: Path) -> None:
    with pytest.raises(MediaRefusedError, match="not allowed"):
        fetch_media(
            "http://169.254.169.254/latest",
            LocalMediaStore(tmp_path),
            allowed_hosts=ALLOWED,
            max_bytes=10,
        )
    assert host_allowed("https://media.twiliocdn.com/x", (".twiliocdn.com",))
    assert not host_allowed("https://twiliocdn.com.evil.example/x", (".twiliocdn.com",))
    assert not host_allowed("file:///etc/passwd", ("",))


def test_a_redirect_to_a_host_not_allowed_is_refused(tmp_path: Path) -> None:
    with fake_server() as server:
        server.route("GET", "/r", Reply(302, headers={"Location": "http://10.0.0.1/secret"}))
        with pytest.raises(MediaRefusedError):
            fetch_media(
                f"{server.base_url}/r",
                LocalMediaStore(tmp_path),
                allowed_hosts=ALLOWED,
                max_bytes=10,
            )


def test_media_over_the_limit_is_refused_and_nothing_is_stored(tmp_path: Path) -> None:
    store = LocalMediaStore(tmp_path / "media")
    with fake_server() as server:
        server.route("GET", "/big", Reply(200, b"x" * 5000))
        with pytest.raises(MediaRefusedError, match="limit"):
            fetch_media(f"{server.base_url}/big", store, allowed_hosts=ALLOWED, max_bytes=1000)
    assert [p for p in (tmp_path / "media").rglob("*") if p.is_file()] == []


def test_a_server_error_can_be_retried(tmp_path: Path) -> None:
    with fake_server() as server:
        server.route("GET", "/down", Reply(503))
        with pytest.raises(MediaFetchError) as caught:
            fetch_media(
                f"{server.base_url}/down",
                LocalMediaStore(tmp_path),
                allowed_hosts=ALLOWED,
                max_bytes=10,
            )
    assert not isinstance(caught.value, MediaRefusedError)
