"""A small HTTP load generator: closed-loop saturation and open-loop steady rate."""

from __future__ import annotations

import http.client
import re
import secrets
import statistics
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

TEXT = (
    "Ik zou graag meer bomen en schaduw zien in het park, met bankjes voor ouderen en een "
    "afgesloten speelplek voor de kleinsten. Ook een drinkfontein zou welkom zijn."
)


class Poster(Protocol):
    """One sender of requests, keeping its own connection."""

    def post(self) -> int:
        """Send one request and return the HTTP status."""
        ...


class Client:
    """One resident's browser: keeps its connection, cookie and CSRF token."""

    def __init__(self, host: str, port: int) -> None:
        self.connection = http.client.HTTPConnection(host, port, timeout=30)
        self.connection.request("GET", "/c/demo")
        response = self.connection.getresponse()
        html = response.read().decode()
        cookie = response.getheader("Set-Cookie") or ""
        self.cookie = cookie.split(";")[0]
        match = re.search(r'name="csrf_token" value="([^"]*)"', html)
        self.token = match.group(1) if match else ""

    def post(self, nonce: str | None = None) -> int:
        """Send one form and return the HTTP status."""
        body = urllib.parse.urlencode(
            {"csrf_token": self.token, "nonce": nonce or secrets.token_urlsafe(18), "text": TEXT}
        )
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie}
        self.connection.request("POST", "/c/demo", body=body, headers=headers)
        response = self.connection.getresponse()
        response.read()
        return response.status


@dataclass
class Outcome:
    """What a load run saw."""

    seconds: float
    statuses: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)

    @property
    def ok(self) -> int:
        """Count the requests that succeeded."""
        return self.statuses.get(200, 0)

    @property
    def throughput(self) -> float:
        """Return successful requests per second."""
        return self.ok / self.seconds

    def percentile(self, q: float) -> float:
        """Return a latency percentile in milliseconds."""
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def saturate(
    host: str,
    port: int,
    clients: int,
    seconds: float,
    make_client: Callable[[], Poster] | None = None,
) -> Outcome:
    """Let `clients` send forms (or `make_client`'s requests) back to back for `seconds`."""
    make = make_client or (lambda: Client(host, port))
    outcome = Outcome(seconds)
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def run() -> None:
        client = make()
        while time.monotonic() < stop_at:
            status = client.post()
            with lock:
                outcome.statuses[status] = outcome.statuses.get(status, 0) + 1

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome


def steady(
    host: str,
    port: int,
    rate: float,
    seconds: float,
    pool: int = 16,
    make_client: Callable[[], Poster] | None = None,
) -> Outcome:
    """Send `rate` requests a second on a fixed schedule; latency counts from the planned start."""
    make = make_client or (lambda: Client(host, port))
    outcome = Outcome(seconds)
    lock = threading.Lock()
    total = int(rate * seconds)
    start = time.monotonic() + 0.5
    counter = iter(range(total))

    def run() -> None:
        client = make()
        for index in counter:
            planned = start + index / rate
            delay = planned - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            status = client.post()
            latency = time.monotonic() - planned
            with lock:
                outcome.statuses[status] = outcome.statuses.get(status, 0) + 1
                outcome.latencies.append(latency)

    threads = [threading.Thread(target=run) for _ in range(pool)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome


def median(values: list[float]) -> float:
    """Return the median, for figures repeated in turns."""
    return statistics.median(values)


class Turns:
    """The figures of every turn per server, printed as they come and summed up at the end."""

    def __init__(self, names: list[str], rate: float) -> None:
        self.rate = rate
        self.figures: dict[str, dict[str, list[float]]] = {n: {} for n in names}

    def add(self, turn: int, name: str, saturated: Outcome, paced: Outcome) -> None:
        """Keep one turn's figures for `name` and print them."""
        errors = {s: n for s, n in {**saturated.statuses, **paced.statuses}.items() if s != 200}
        print(
            f"turn {turn + 1} {name:18} {saturated.throughput:7.0f} req/s saturated, "
            f"p50 {paced.percentile(0.5):5.1f} ms, p95 {paced.percentile(0.95):5.1f} ms "
            f"at {self.rate:.0f} req/s{'  errors ' + str(errors) if errors else ''}"
        )
        row = self.figures[name]
        row.setdefault("throughput", []).append(saturated.throughput)
        row.setdefault("p50", []).append(paced.percentile(0.5))
        row.setdefault("p95", []).append(paced.percentile(0.95))

    def summary(self, setting: str, baseline: str, ours: str, label: str) -> None:
        """Print the median of every figure and `ours` against `baseline`, with the targets."""
        print(
            f"\n{'':18} {'req/s (sat.)':>13} {'p50 ms':>8} {'p95 ms':>8}   ({setting}; "
            f"{self.rate:.0f} req/s steady)"
        )
        for name, row in self.figures.items():
            print(
                f"{name:18} {median(row['throughput']):13.0f} {median(row['p50']):8.1f} "
                f"{median(row['p95']):8.1f}"
            )
        bare, mine = self.figures[baseline], self.figures[ours]
        share = median(mine["throughput"]) / median(bare["throughput"])
        print(
            f"\n{label} throughput = {share:.0%} of the bare handler (target ≥ 60 %); "
            f"p95 at {self.rate:.0f} req/s = {median(mine['p95']):.1f} ms (target < 50 ms)"
        )


ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def serving(command: list[str], env: dict[str, str], port: int, ready: str) -> Iterator[None]:
    """Start a server process, wait until `ready` answers, stop it after."""
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{ready}", timeout=1).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"{command[0]} did not answer on port {port}") from None
                time.sleep(0.2)
        yield
    finally:
        process.terminate()
        process.wait(30)
