"""End to end: the real server process takes a form over HTTP; the export finds it."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from tests.channels.web.helpers import hidden_fields, reference_on
from tests.cli import inspraak
from tests.server import running_server


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
