"""A real S3-compatible server on 127.0.0.1: moto's standalone server, in its own process.

It speaks the S3 REST protocol (signed requests, byte ranges, server-side encryption
headers), so the media store is tested through boto3 exactly as against a real bucket.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3

# Any credentials do for this server; the store must send them the way it would to any other.
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "inspraak-test",
    "AWS_SECRET_ACCESS_KEY": "inspraak-test-secret",
    "AWS_DEFAULT_REGION": "eu-west-1",
}
BUCKET = "gemeente-media"


@dataclass(frozen=True)
class ObjectServer:
    """The running server: where it listens, and a client to look into its buckets."""

    endpoint: str

    def media_url(self, prefix: str = "inspraak", **options: str) -> str:
        """Return an INSPRAAK_MEDIA_URL for the test bucket under `prefix`."""
        query = "&".join(f"{k}={v}" for k, v in {"endpoint": self.endpoint, **options}.items())
        return f"s3://{BUCKET}/{prefix}?{query}"

    def env(self, prefix: str = "inspraak", **options: str) -> dict[str, str]:
        """Return settings that put the media on this server."""
        return {**CREDENTIALS, "INSPRAAK_MEDIA_URL": self.media_url(prefix, **options)}

    def client(self) -> Any:
        """Return a boto3 client for looking at what was stored."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=CREDENTIALS["AWS_DEFAULT_REGION"],
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def objects(self, prefix: str = "inspraak") -> dict[str, dict[str, Any]]:
        """Return the objects stored under `prefix`, by name, with their metadata."""
        client = self.client()
        listed = client.list_objects_v2(Bucket=BUCKET, Prefix=f"{prefix}/")
        return {
            item["Key"]: client.head_object(Bucket=BUCKET, Key=item["Key"])
            for item in listed.get("Contents", ())
        }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def object_server() -> Iterator[ObjectServer]:
    """Start the server with an empty bucket; stop it afterwards."""
    port = _free_port()
    server = subprocess.Popen(
        [
            os.path.join(os.path.dirname(sys.executable), "moto_server"),
            "-H",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        found = ObjectServer(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 30
        while True:
            try:
                found.client().create_bucket(
                    Bucket=BUCKET,
                    CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
                )
                break
            except Exception:  # noqa: BLE001 - not listening yet
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        yield found
    finally:
        server.terminate()
        server.wait(10)
