"""End to end: the real server process takes a form over HTTP; the export finds it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from tests.channels.web.helpers import hidden_fields, reference_on
from tests.cli import ROOT, inspraak
from tests.server import free_port, running_server


def test_a_form_sent_over_http_is_in_the_export(tmp_path: Path) -> None:
    inspraak(tmp_path, "db", "upgrade")
    inspraak(tmp_path, "demo")
    with running_server(tmp_path) as base:
        health = requests.get(f"{base}/healthz", timeout=10).json()
        assert health["database"] == "ok"
        browser = requests.Session()
        page = browser.get(f"{base}/c/demo?lang=fr", timeout=10)
        assert page.status_code == 200 and 'lang="fr"' in page.text
        fields = {**hidden_fields(page.text), "text": "Des bancs à l'ombre, s'il vous plaît"}
        answer = browser.post(f"{base}/c/demo", data=fields, timeout=10)
        assert answer.status_code == 200
        reference = reference_on(answer.text)
        status = requests.get(f"{base}/r/{reference}?lang=fr", timeout=10)
        assert status.status_code == 200 and "Reçue" in status.text
    exported = json.loads(inspraak(tmp_path, "export", "demo", "--format", "json").stdout)
    assert [(c["reference"], c["channel"], c["language"], c["text"]) for c in exported] == [
        (reference, "web", "fr", "Des bancs à l'ombre, s'il vous plaît")
    ]
    assert exported[0]["status"] == "new" and exported[0]["attachments"] == []


def test_run_serves_the_web_and_a_worker_together(tmp_path: Path) -> None:
    inspraak(tmp_path, "db", "upgrade")
    inspraak(tmp_path, "demo")
    port = free_port()
    environment = {**os.environ, "INSPRAAK_DATA_DIR": str(tmp_path)}
    environment.pop("INSPRAAK_DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "intake", "run", "--port", str(port), "--workers", "1"],
        cwd=ROOT,
        env=environment,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 40
        state = None
        while state != "ok":
            assert time.monotonic() < deadline, f"worker never reported; last state {state}"
            time.sleep(0.5)
            try:
                health = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).json()
            except requests.ConnectionError:
                continue
            state = health["worker"]["state"]
        assert requests.get(f"http://127.0.0.1:{port}/c/demo", timeout=5).status_code == 200
        children = subprocess.run(
            ["pgrep", "-P", str(process.pid), "-f", "intake worker"], capture_output=True, text=True
        ).stdout.split()
        assert len(children) == 1
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    assert not Path(f"/proc/{children[0]}").exists(), "the worker outlived inspraak run"


def test_many_residents_sending_at_once_all_get_a_reference(tmp_path: Path) -> None:
    inspraak(tmp_path, "db", "upgrade")
    inspraak(tmp_path, "demo")
    with running_server(tmp_path, INSPRAAK_WEB_RATE_LIMIT="1000") as base:
        browsers = [requests.Session() for _ in range(12)]
        forms = [hidden_fields(b.get(f"{base}/c/demo", timeout=10).text) for b in browsers]

        def send(index: int) -> str:
            fields = {**forms[index], "text": f"Bijdrage {index}"}
            answer = browsers[index].post(f"{base}/c/demo", data=fields, timeout=15)
            assert answer.status_code == 200
            return reference_on(answer.text)

        with ThreadPoolExecutor(max_workers=12) as pool:
            references = list(pool.map(send, range(12)))
    assert len(set(references)) == 12
    exported = json.loads(inspraak(tmp_path, "export", "demo", "--format", "json").stdout)
    assert sorted(c["reference"] for c in exported) == sorted(references)
