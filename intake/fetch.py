"""Download a provider's media into the media store, only from allowed hosts, size-capped."""

from __future__ import annotations

import io
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests

from intake.errors import SafeError
from intake.storage import MediaStore

CHUNK = 1 << 16
MAX_REDIRECTS = 5
PLAIN = "http://"


class MediaFetchError(SafeError):
    """The media could not be downloaded; retrying may help."""


class MediaRefusedError(MediaFetchError):
    """The media must not be downloaded (host not allowed, too large); retrying cannot help."""


@dataclass(frozen=True)
class FetchedMedia:
    """A downloaded original, stored under its sha256."""

    sha256: str
    size: int
    media_type: str


def _matches(host: str, allowed: str) -> bool:
    return host == allowed or (allowed.startswith(".") and host.endswith(allowed))


def host_allowed(url: str, allowed_hosts: tuple[str, ...]) -> bool:
    """Tell whether `url` may be downloaded: over https from an allowed host.

    `.example.com` also allows subdomains. Plain http is allowed only for a host listed
    as `http://host` (a Bot API server inside the town hall's network, a test server):
    a resident's photo must not cross the internet readable by anyone on the way.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host or parts.scheme not in ("http", "https"):
        return False
    if parts.scheme == "http":
        plain = (a.removeprefix(PLAIN) for a in allowed_hosts if a.startswith(PLAIN))
        return any(_matches(host, allowed) for allowed in plain)
    return any(_matches(host, allowed.removeprefix(PLAIN)) for allowed in allowed_hosts)


def fetch_media(
    url: str,
    store: MediaStore,
    *,
    allowed_hosts: tuple[str, ...],
    max_bytes: int,
    auth: tuple[str, str] | None = None,
    timeout: float = 30,
) -> FetchedMedia:
    """Download `url` (following redirects hop by hop, each hop checked) into `store`."""
    for _ in range(MAX_REDIRECTS + 1):
        if not host_allowed(url, allowed_hosts):
            parts = urlsplit(url)
            raise MediaRefusedError(f"media host not allowed: {parts.scheme}://{parts.hostname}")
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
