"""Web-form POSTs through the real server, beside a bare Flask insert on the same server.

Both run under gunicorn with the same workers and threads, in turns, in one run:
throughput at saturation (many concurrent clients) and p50/p95 latency at a steady
100 requests per second. Prints the figures and Inspraak's share of the baseline.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import median, saturate, steady  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WORKERS, THREADS = "2", "4"
CLIENTS, SATURATION_SECONDS, STEADY_SECONDS, RATE, TURNS = 32, 8.0, 10.0, 100.0, 5


@contextmanager
def serving(command: list[str], env: dict[str, str], port: int) -> Iterator[None]:
    """Start a server process and wait until it answers."""
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/c/demo", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        yield
    finally:
        process.terminate()
        process.wait(30)


def main() -> None:
    """Measure both servers in turns and print the comparison."""
    work = Path(tempfile.mkdtemp(prefix="inspraak-bench-"))
    env = {
        **os.environ,
        "INSPRAAK_DATA_DIR": str(work / "data"),
        "INSPRAAK_WEB_RATE_LIMIT": "100000000",
        "BARE_DATABASE_URL": f"sqlite:///{work / 'bare.db'}",
    }
    env.pop("INSPRAAK_DATABASE_URL", None)
    subprocess.run([BIN / "inspraak", "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([BIN / "inspraak", "demo"], env=env, check=True, capture_output=True)
    servers = {
        "bare Flask insert": (
            [
                str(BIN / "gunicorn"),
                "-w",
                WORKERS,
                "-k",
                "gthread",
                "--threads",
                THREADS,
                "-b",
                "127.0.0.1:8301",
                "--chdir",
                str(ROOT / "bench"),
                "bare_app:app",
            ],
            8301,
        ),
        "Inspraak": (
            [
                str(BIN / "inspraak"),
                "serve",
                "--port",
                "8302",
                "--workers",
                WORKERS,
                "--threads",
                THREADS,
            ],
            8302,
        ),
    }
    figures: dict[str, dict[str, list[float]]] = {n: {} for n in servers}
    for turn in range(TURNS):
        for name, (command, port) in servers.items():
            with serving(command, env, port):
                saturated = saturate("127.0.0.1", port, CLIENTS, SATURATION_SECONDS)
                paced = steady("127.0.0.1", port, RATE, STEADY_SECONDS)
            errors = {s: n for s, n in {**saturated.statuses, **paced.statuses}.items() if s != 200}
            print(
                f"turn {turn + 1} {name:18} {saturated.throughput:7.0f} req/s saturated, "
                f"p50 {paced.percentile(0.5):5.1f} ms, p95 {paced.percentile(0.95):5.1f} ms "
                f"at {RATE:.0f} req/s{'  errors ' + str(errors) if errors else ''}"
            )
            row = figures[name]
            row.setdefault("throughput", []).append(saturated.throughput)
            row.setdefault("p50", []).append(paced.percentile(0.5))
            row.setdefault("p95", []).append(paced.percentile(0.95))
    bare, ours = figures["bare Flask insert"], figures["Inspraak"]
    print()
    print(
        f"{'':18} {'req/s (sat.)':>13} {'p50 ms':>8} {'p95 ms':>8}   (median of {TURNS} turns,"
        f" {CLIENTS} clients; {RATE:.0f} req/s steady)"
    )
    for name, row in figures.items():
        print(
            f"{name:18} {median(row['throughput']):13.0f} {median(row['p50']):8.1f} "
            f"{median(row['p95']):8.1f}"
        )
    share = median(ours["throughput"]) / median(bare["throughput"])
    print(
        f"\nInspraak throughput = {share:.0%} of the bare handler (target ≥ 60 %); "
        f"p95 at {RATE:.0f} req/s = {median(ours['p95']):.1f} ms (target < 50 ms)"
    )


if __name__ == "__main__":
    main()
