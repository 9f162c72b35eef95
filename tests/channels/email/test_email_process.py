"""End to end: `inspraak run` reads the mailbox beside its worker; mail becomes contributions."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.channels.email.mails import RESIDENT, mail
from tests.cli import ROOT, inspraak
from tests.security.contact_helpers import PUBLIC_URL
from tests.server import free_port
from tests.support.imap import Mailbox
from tests.support.smtp import MAIL_FROM, MailServer

DONE = "Inspraak/Verwerkt"
WAIT_SECONDS = 60


def _wait_for(what: str, ready: object) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not ready():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.5)


def test_run_takes_mail_in_and_moves_it(tmp_path: Path, mailbox: Mailbox, smtp: MailServer) -> None:
    env = {
        "INSPRAAK_PUBLIC_URL": PUBLIC_URL,
        "INSPRAAK_SMTP_URL": smtp.url(),
        "INSPRAAK_MAIL_FROM": MAIL_FROM,
        "INSPRAAK_IMAP_URL": mailbox.url("imap"),  # STARTTLS on the plain port
    }
    inspraak(tmp_path, "db", "upgrade", **env)
    inspraak(tmp_path, "demo", **env)
    mailbox.deliver(mail("Meer bomen langs de Schelde."))
    port = free_port()
    environment = {**os.environ, "INSPRAAK_DATA_DIR": str(tmp_path), **env}
    environment.pop("INSPRAAK_DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "intake", "run", "--port", str(port), "--workers", "1"],
        cwd=ROOT,
        env=environment,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for("the waiting mail moved", lambda: mailbox.count(DONE) == 1)
        # Mail arriving while it runs is seen at once (IDLE), without a restart.
        mailbox.deliver(mail("En een zitbank aan de kaai."))
        _wait_for("the new mail moved", lambda: mailbox.count(DONE) == 2)
        _wait_for("both acknowledged", lambda: len(smtp.to(RESIDENT)) == 2)
        assert mailbox.count("INBOX") == 0
        health = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
        assert health.status_code == 200
        children = subprocess.run(
            ["pgrep", "-P", str(process.pid), "-f", "intake email poll"],
            capture_output=True,
            text=True,
        ).stdout.split()
        assert len(children) == 1
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    assert not Path(f"/proc/{children[0]}").exists(), "the mailbox reader outlived inspraak run"
    exported = json.loads(inspraak(tmp_path, "export", "demo", "--format", "json", **env).stdout)
    assert sorted((c["channel"], c["text"]) for c in exported) == [
        ("email", "En een zitbank aan de kaai."),
        ("email", "Meer bomen langs de Schelde."),
    ]
    references = {c["reference"] for c in exported}
    assert {next(r for r in references if r in m.part("plain")) for m in smtp.to(RESIDENT)} == (
        references
    )


def test_email_poll_once_takes_in_what_waits_and_exits(
    tmp_path: Path, mailbox: Mailbox, smtp: MailServer
) -> None:
    env = {
        "INSPRAAK_PUBLIC_URL": PUBLIC_URL,
        "INSPRAAK_SMTP_URL": smtp.url(),
        "INSPRAAK_MAIL_FROM": MAIL_FROM,
        "INSPRAAK_IMAP_URL": mailbox.url(),
    }
    inspraak(tmp_path, "db", "upgrade", **env)
    inspraak(tmp_path, "demo", **env)
    mailbox.deliver(mail("Een bibliotheek die langer open is."))
    assert inspraak(tmp_path, "email", "poll", "--once", **env).stdout == "1 mails taken in\n"
    assert mailbox.count("INBOX") == 0 and mailbox.count(DONE) == 1
    wrong = {**env, "INSPRAAK_IMAP_URL": mailbox.url().replace("geheim", "fout")}
    refused = inspraak(tmp_path, "email", "poll", "--once", check=False, **wrong)
    assert refused.returncode == 1 and "refused the login" in refused.stderr
    assert "fout" not in refused.stderr  # the password is never repeated
