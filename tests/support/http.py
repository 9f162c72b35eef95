"""A small HTTP server on 127.0.0.1 for tests: scripted answers, recorded requests."""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Recorded:
    """One request the fake server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def basic_auth(self) -> tuple[str, str] | None:
        """Return the (user, password) of a Basic Authorization header, if any."""
        value = self.headers.get("Authorization", "")
        if not value.startswith("Basic "):
            return None
        user, _, password = base64.b64decode(value[6:]).decode().partition(":")
        return user, password


@dataclass
class Reply:
    """What the fake server answers: status, headers, body."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # Close the connection without answering: the request was handled, its answer is lost.
    lost: bool = False


Route = Callable[[Recorded], Reply]


@dataclass
class FakeServer:
    """Routes by (method, path); records every request in order."""

    base_url: str = ""
    routes: dict[tuple[str, str], Route] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)

    def route(self, method: str, path: str, answer: Route | Reply) -> None:
        """Answer `method path` with a fixed reply or a function of the request."""
        self.routes[(method, path)] = answer if callable(answer) else (lambda _r: answer)


@contextmanager
def fake_server() -> Iterator[FakeServer]:
    """Run a FakeServer on a free port of 127.0.0.1 for the block."""
    state = FakeServer()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            recorded = Recorded(
                self.command, self.path, dict(self.headers.items()), self.rfile.read(length)
            )
            state.requests.append(recorded)
            path = self.path.split("?")[0]
            route = state.routes.get((self.command, path))
            reply = route(recorded) if route else Reply(404, b"not found")
            if reply.lost:
                self.close_connection = True
                return
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        do_GET = do_POST = do_DELETE = _handle

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
