"""The mailbox password never crosses the network in the clear."""

from __future__ import annotations

from pathlib import Path

import pytest

from channels.email.mailbox import MailboxError, opened
from tests.support.imap import imap_server


def test_a_server_without_starttls_is_not_signed_in_to(tmp_path: Path) -> None:
    with (
        imap_server(tmp_path, tls=False) as mailbox,
        pytest.raises(MailboxError) as refused,
        opened(mailbox.url("imap")),
    ):
        pass
    assert "offers no STARTTLS" in str(refused.value)
    log = (tmp_path / "dovecot" / "dovecot.log").read_text(encoding="utf-8")
    assert "Login: user=<" not in log


def test_a_certificate_nobody_trusts_is_refused(tmp_path: Path) -> None:
    # SSL_CERT_FILE is not pointed at the test's certificate here.
    with (
        imap_server(tmp_path) as mailbox,
        pytest.raises(MailboxError) as refused,
        opened(mailbox.url()),
    ):
        pass
    assert "unreachable (SSLCertVerificationError)" in str(refused.value)
