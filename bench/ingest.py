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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import ROOT, Turns, saturate, serving, steady  # noqa: E402

BIN = Path(sys.executable).parent
WORKERS, THREADS = "2", "4"
CLIENTS, SATURATION_SECONDS, STEADY_SECONDS, RATE, TURNS = 32, 8.0, 10.0, 100.0, 5


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
    turns = Turns(list(servers), RATE)
    for turn in range(TURNS):
        for name, (command, port) in servers.items():
            with serving(command, env, port, "/c/demo"):
                saturated = saturate("127.0.0.1", port, CLIENTS, SATURATION_SECONDS)
                paced = steady("127.0.0.1", port, RATE, STEADY_SECONDS)
            turns.add(turn, name, saturated, paced)
    turns.summary(
        f"median of {TURNS} turns, {CLIENTS} clients", "bare Flask insert", "Inspraak", "Inspraak"
    )


if __name__ == "__main__":
    main()
