"""How mail reaches the server: TLS from the start, and never in the clear or to a stranger."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from sqlalchemy import select

from intake.contacts import CONFIRM_JOB
from intake.models import Job
from tests.channels.email.conftest import mail_town
from tests.security.contact_helpers import app_of, fill_in, work
from tests.support.smtp import IMPLICIT_TLS_WARNING, PASSWORD, USER, MailServer, smtp_server

ANNA = "anna@example.be"


def _ask_confirmation(tmp_path: Path, smtp: MailServer) -> Job:
    """Have Anna type her address on the form, let the worker send; return the send job."""
    with mail_town(tmp_path / "data", f"sqlite:///{tmp_path / 'inspraak.db'}", smtp) as town:
        fill_in(app_of(town).test_client(), text="Bankjes", contact=ANNA, consent="yes")
        work(town)
        with town.db.session() as session:
            return session.scalars(select(Job).where(Job.kind == CONFIRM_JOB)).one()


@pytest.mark.filterwarnings(IMPLICIT_TLS_WARNING)
def test_smtps_sends_over_tls_from_the_first_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with smtp_server(tmp_path, tls="implicit") as smtp:
        monkeypatch.setenv("SSL_CERT_FILE", str(smtp.cert))
        assert _ask_confirmation(tmp_path, smtp).status == "done"
        (mail,) = smtp.to(ANNA)
        assert mail.login == USER


@pytest.mark.parametrize(
    ("tls", "trusted", "said"),
    [("none", True, "offers no STARTTLS"), ("starttls", False, "SSLCertVerificationError")],
)
def test_an_unencrypted_or_unknown_server_gets_neither_password_nor_mail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tls: str, trusted: bool, said: str
) -> None:
    with smtp_server(tmp_path, tls=tls) as smtp:
        if trusted:
            monkeypatch.setenv("SSL_CERT_FILE", str(smtp.cert))
        else:
            monkeypatch.delenv("SSL_CERT_FILE", raising=False)
        job = _ask_confirmation(tmp_path, smtp)
        assert smtp.received == []
        assert job.status == "queued" and said in (job.last_error or "")  # tried again later
        assert PASSWORD not in (job.last_error or "")


def test_a_server_that_does_not_answer_is_tried_again(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]  # nobody listens once the probe is closed
    job = _ask_confirmation(tmp_path, MailServer(port=closed, cert=tmp_path / "none.crt"))
    assert (job.status, job.attempts) == ("queued", 1)
    assert "unreachable (ConnectionRefusedError)" in (job.last_error or "")
