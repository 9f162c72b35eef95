"""Download a provider's media into the media store, only from allowed hosts, size-capped."""

from __future__ import annotations

import io
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests

from intake.storage import LocalMediaStore

CHUNK = 1 << 16
MAX_REDIRECTS = 5


class MediaFetchError(Exception):
    """The media could not be downloaded; retrying may help."""


class MediaRefusedError(MediaFetchError):
    """The media must not be downloaded (host not allowed, too large); retrying cannot help."""


@dataclass(frozen=True)
class FetchedMedia:
    """A downloaded original, stored under its sha256."""

    sha256: str
    size: int
    media_type: str


def host_allowed(url: str, allowed_hosts: tuple[str, ...]) -> bool:
    """Tell whether `url` is on an allowed host (`.example.com` also allows subdomains)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return False
    return any(
        host == allowed or (allowed.startswith(".") and host.endswith(allowed))
        for allowed in allowed_hosts
    )


def fetch_media(
    url: str,
    store: LocalMediaStore,
    *,
    allowed_hosts: tuple[str, ...],
    max_bytes: int,
    auth: tuple[str, str] | None = None,
    timeout: float = 30,
) -> FetchedMedia:
    """Download `url` (following redirects hop by hop, each hop checked) into `store`."""
    for _ in range(MAX_REDIRECTS + 1):
        if not host_allowed(url, allowed_hosts):
            raise MediaRefusedError(f"media host not allowed: {urlsplit(url).hostname}")
        try:
            response = requests.get(
                url, auth=auth, stream=True, timeout=timeout, allow_redirects=False
            )
        except requests.RequestException as error:
            raise MediaFetchError(f"download failed: {type(error).__name__}") from None
        with response:
            if response.is_redirect:
                target = urljoin(url, response.headers.get("Location", ""))
                # Credentials go only to the host they belong to, never to a redirect target.
                if urlsplit(target).hostname != urlsplit(url).hostname:
                    auth = None
                url = target
                continue
            if response.status_code != 200:
                raise MediaFetchError(f"download failed: HTTP {response.status_code}")
            declared = int(response.headers.get("Content-Length") or 0)
            if declared > max_bytes:
                raise MediaRefusedError(f"media is {declared} bytes, over the {max_bytes} limit")
            buffer = io.BytesIO()
            for chunk in response.iter_content(CHUNK):
                buffer.write(chunk)
                if buffer.tell() > max_bytes:
                    raise MediaRefusedError(f"media is over the {max_bytes} byte limit")
            media_type = response.headers.get("Content-Type", "application/octet-stream")
        buffer.seek(0)
        sha256, size = store.put(buffer)
        return FetchedMedia(sha256, size, media_type.split(";")[0].strip())
    raise MediaFetchError("too many redirects")
