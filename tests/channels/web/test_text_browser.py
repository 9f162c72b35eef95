"""The form reads well in a text browser (w3m), as on a screen reader or a very old phone."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli import inspraak
from tests.server import running_server


def test_the_form_and_its_labels_read_in_order_in_w3m(tmp_path: Path) -> None:
    if shutil.which("w3m") is None:
        pytest.skip("needs w3m (make test installs it)")
    inspraak(tmp_path, "db", "upgrade")
    inspraak(tmp_path, "demo")
    with running_server(tmp_path) as base:
        dump = subprocess.run(
            ["w3m", "-dump", "-cols", "80", f"{base}/c/demo?lang=en"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
    expected = [
        "Skip to content",
        "A new park by the Scheldt",
        "What would you like in the new park by the Scheldt?",
        "Your name",
        "Your postcode",
        "E-mail address or phone number",
        "The municipality may contact me",
        "Send",
    ]
    positions = [dump.find(text) for text in expected]
    assert -1 not in positions, dump
    assert positions == sorted(positions), dump
