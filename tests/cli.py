"""Run the real `inspraak` command in a subprocess, on a given data dir."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def inspraak(
    data_dir: Path, *args: str, stdin: str | None = None, check: bool = True, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run `inspraak ARGS…` with INSPRAAK_DATA_DIR=data_dir; fail the test on a bad exit."""
    inherited = {k: v for k, v in os.environ.items() if k != "INSPRAAK_DATABASE_URL"}
    environment = {**inherited, "INSPRAAK_DATA_DIR": str(data_dir), **env}
    result = subprocess.run(
        [sys.executable, "-m", "intake", *args],
        cwd=ROOT,
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check:
        assert result.returncode == 0, f"inspraak {' '.join(args)}: {result.stderr}"
    return result
