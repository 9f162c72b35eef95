"""Start the real `inspraak serve` process on a free port, for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.cli import ROOT


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop(process: subprocess.Popen[Any], grace: float) -> None:
    """Ask a process to stop, kill it after `grace` seconds, and close its pipes."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream:
            stream.close()


@contextmanager
def running_server(
    data_dir: Path, *, log: Path | None = None, port: int | None = None, **env: str
) -> Iterator[str]:
    """Serve Inspraak from `data_dir` with gunicorn; yield its base URL; stop it after.

    With `log`, everything the server writes to standard error (gunicorn's error log and
    the app's logging) goes to that file. `port` is for callers that must name the
    address before the server starts (an OpenID provider's redirect URI).
    """
    port = port or free_port()
    environment = {**os.environ, "INSPRAAK_DATA_DIR": str(data_dir), **env}
    command = [sys.executable, "-m", "intake", "serve", "--port", str(port), "--workers", "2"]
    errors = log.open("wb") if log is not None else subprocess.PIPE
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stderr=errors)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    _out, err = process.communicate(timeout=5)
                    said = log.read_text() if log is not None else (err or b"").decode()
                    raise RuntimeError(f"inspraak serve did not start: {said}") from None
                time.sleep(0.2)
        yield base
    finally:
        stop(process, 20)
        if log is not None:
            errors.close()  # type: ignore[union-attr]
