"""Originals in an S3-compatible object store, for installations spread over several machines.

`INSPRAAK_MEDIA_URL=s3://bucket/prefix?endpoint=https://s3.example.be&region=…&sse=AES256`
names the bucket, an optional key prefix, the endpoint of a store that is not Amazon's, and
the server-side encryption to ask for (`AES256`, or `aws:kms` with `kms_key=`). Credentials
come the usual way (`AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`, or the machine's role).
Objects are named by their sha256 like the local folder's files, so a key is its own
checksum: what is read back for OCR or speech is checked against it.
"""

from __future__ import annotations

import contextlib
import io
import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import parse_qs, urlsplit

from intake.storage import MediaNotFoundError, StorageFullError, hashed_copy, is_key

_MISSING = {"NoSuchKey", "404", "NotFound"}
_FULL = {"QuotaExceeded", "XMinioStorageFull", "XMinioAdminBucketQuotaExceeded"}
_ENCRYPTIONS = ("AES256", "aws:kms")


class MediaUrlError(ValueError):
    """INSPRAAK_MEDIA_URL does not name a usable object store."""


@dataclass(frozen=True)
class Location:
    """Where the originals go: bucket, key prefix, endpoint, region and encryption."""

    bucket: str
    prefix: str = ""
    endpoint: str | None = None
    region: str | None = None
    encryption: str | None = None
    kms_key: str | None = None

    def name(self, key: str) -> str:
        """Return the object name of the original with `key`."""
        return f"{self.prefix}{key[:2]}/{key[2:4]}/{key}"


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_media_url(url: str) -> Location:
    """Read `s3://bucket/prefix?endpoint=…&region=…&sse=…`; raise MediaUrlError if unusable."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.hostname:
        raise MediaUrlError(
            "INSPRAAK_MEDIA_URL must look like s3://bucket/prefix?endpoint=https://…"
        )
    if parts.username or parts.password:
        raise MediaUrlError(
            "INSPRAAK_MEDIA_URL must not hold credentials: set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY"
        )
    query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
    unknown = set(query) - {"endpoint", "region", "sse", "kms_key"}
    if unknown:
        raise MediaUrlError(f"INSPRAAK_MEDIA_URL: unknown option(s) {', '.join(sorted(unknown))}")
    endpoint = query.get("endpoint")
    if endpoint is not None:
        target = urlsplit(endpoint)
        secure = target.scheme == "https" or (
            target.scheme == "http" and _loopback(target.hostname or "")
        )
        if not target.hostname or not secure:
            # Residents' voices and handwriting must not cross a network unencrypted.
            raise MediaUrlError(
                "INSPRAAK_MEDIA_URL: the endpoint must be https:// "
                "(plain http only to this machine)"
            )
    encryption = query.get("sse")
    if encryption is not None and encryption not in _ENCRYPTIONS:
        raise MediaUrlError(f"INSPRAAK_MEDIA_URL: sse must be one of {', '.join(_ENCRYPTIONS)}")
    if query.get("kms_key") and encryption != "aws:kms":
        raise MediaUrlError("INSPRAAK_MEDIA_URL: kms_key needs sse=aws:kms")
    prefix = parts.path.strip("/")
    return Location(
        bucket=parts.hostname,
        prefix=f"{prefix}/" if prefix else "",
        endpoint=endpoint,
        region=query.get("region"),
        encryption=encryption,
        kms_key=query.get("kms_key"),
    )


class ObjectMediaStore:
    """Originals as objects in a bucket; the tmp folder only lends copies to the engines."""

    def __init__(self, url: str, tmp_dir: Path) -> None:
        import boto3
        from botocore.config import Config

        self.location = parse_media_url(url)
        self.tmp_dir = tmp_dir
        self._client = boto3.client(
            "s3",
            endpoint_url=self.location.endpoint,
            region_name=self.location.region,
            config=Config(
                connect_timeout=10,
                read_timeout=60,
                retries={"mode": "standard", "max_attempts": 4},
                # Stores other than Amazon's rarely resolve bucket names as host names.
                s3={"addressing_style": "path" if self.location.endpoint else "auto"},
            ),
        )

    def _error(self, error: Exception, key: str) -> Exception:
        code = str(getattr(error, "response", {}).get("Error", {}).get("Code", ""))
        if code in _MISSING:
            return MediaNotFoundError(key)
        if code in _FULL:
            return StorageFullError("object store full: its quota is used up")
        return error

    def _extra(self) -> dict[str, str]:
        extra = {}
        if self.location.encryption:
            extra["ServerSideEncryption"] = self.location.encryption
        if self.location.kms_key:
            extra["SSEKMSKeyId"] = self.location.kms_key
        return extra

    def put(self, source: BinaryIO) -> tuple[str, int]:
        """Store a stream (once per content: an object already there is kept)."""
        from botocore.exceptions import ClientError

        tmp, key, size = hashed_copy(source, self.tmp_dir)
        try:
            try:
                self.size(key)
                return key, size
            except MediaNotFoundError:
                pass
            with tmp.open("rb") as body:
                self._client.put_object(
                    Bucket=self.location.bucket,
                    Key=self.location.name(key),
                    Body=body,
                    ContentLength=size,
                    ContentType="application/octet-stream",
                    **self._extra(),
                )
        except ClientError as error:
            raise self._error(error, key) from None
        finally:
            tmp.unlink(missing_ok=True)
        return key, size

    def put_bytes(self, data: bytes) -> tuple[str, int]:
        return self.put(io.BytesIO(data))

    def open(self, key: str, start: int = 0, end: int | None = None) -> BinaryIO:
        from botocore.exceptions import ClientError

        if not is_key(key):
            raise MediaNotFoundError(key)
        if end is not None and end <= start:
            return io.BytesIO(b"")
        asked: dict[str, Any] = {}
        if start or end is not None:
            asked["Range"] = f"bytes={start}-{'' if end is None else end - 1}"
        try:
            answer = self._client.get_object(
                Bucket=self.location.bucket, Key=self.location.name(key), **asked
            )
        except ClientError as error:
            if str(error.response.get("Error", {}).get("Code")) == "InvalidRange":
                return io.BytesIO(b"")
            raise self._error(error, key) from None
        body: BinaryIO = answer["Body"]
        return body

    def size(self, key: str) -> int:
        from botocore.exceptions import ClientError

        if not is_key(key):
            raise MediaNotFoundError(key)
        try:
            head = self._client.head_object(
                Bucket=self.location.bucket, Key=self.location.name(key)
            )
        except ClientError as error:
            raise self._error(error, key) from None
        return int(head["ContentLength"])

    def delete(self, key: str) -> None:
        if is_key(key):
            self._client.delete_object(Bucket=self.location.bucket, Key=self.location.name(key))

    def stored_keys(self) -> Iterator[str]:
        pages = self._client.get_paginator("list_objects_v2").paginate(
            Bucket=self.location.bucket, Prefix=self.location.prefix
        )
        for page in pages:
            for item in page.get("Contents", ()):
                name = str(item["Key"]).rpartition("/")[2]
                if is_key(name) and item["Key"] == self.location.name(name):
                    yield name

    @contextlib.contextmanager
    def local(self, key: str) -> Iterator[Path]:
        with self.open(key) as body:
            tmp, digest, _size = hashed_copy(body, self.tmp_dir)
        try:
            if digest != key:
                raise MediaNotFoundError(key)  # damaged in the store: not the original
            yield tmp
        finally:
            tmp.unlink(missing_ok=True)
