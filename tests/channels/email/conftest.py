"""An instance that mails through a real SMTP server started for the test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from intake.runtime import Runtime
from tests.security.contact_helpers import start_town
from tests.support.imap import Mailbox, imap_server
from tests.support.smtp import MAIL_FROM, MailServer, smtp_server
from tests.support.twilio import fake_twilio


@contextmanager
def mail_town(data_dir: Path, database_url: str, smtp: MailServer, **env: str) -> Iterator[Runtime]:
    """Build an instance with the demo consultation that sends mail through `smtp`."""
    with fake_twilio() as twilio:
        runtime = start_town(
            data_dir,
            database_url,
            twilio,
            INSPRAAK_SMTP_URL=smtp.url(),
            INSPRAAK_MAIL_FROM=f"Gemeente Inspraak <{MAIL_FROM}>",
            **env,
        )
        try:
            yield runtime
        finally:
            runtime.db.dispose()


@pytest.fixture
def smtp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MailServer]:
    """A mail server whose certificate this process trusts."""
    with smtp_server(tmp_path) as server:
        monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))
        yield server


@pytest.fixture
def town(database_url: str, tmp_path: Path, smtp: MailServer) -> Iterator[Runtime]:
    """An instance that sends mail through the test server, on SQLite and on PostgreSQL."""
    with mail_town(tmp_path / "data", database_url, smtp) as runtime:
        yield runtime


@pytest.fixture
def mailbox(tmp_path: Path, smtp: MailServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    """The participation mailbox on a real Dovecot; both servers' certificates trusted."""
    with imap_server(tmp_path) as server:
        bundle = tmp_path / "trusted.pem"
        bundle.write_bytes(smtp.cert.read_bytes() + server.cert.read_bytes())
        monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
        yield server


@pytest.fixture
def inbox_town(
    database_url: str, tmp_path: Path, smtp: MailServer, mailbox: Mailbox
) -> Iterator[Runtime]:
    """An instance that reads the test mailbox and answers through the test SMTP server."""
    with mail_town(
        tmp_path / "data", database_url, smtp, INSPRAAK_IMAP_URL=mailbox.url()
    ) as runtime:
        yield runtime


@pytest.fixture
def small_inbox_town(tmp_path: Path, smtp: MailServer, mailbox: Mailbox) -> Iterator[Runtime]:
    """An instance that takes mails of at most 20 kB."""
    with mail_town(
        tmp_path / "data",
        f"sqlite:///{tmp_path / 'small.db'}",
        smtp,
        INSPRAAK_IMAP_URL=mailbox.url(),
        INSPRAAK_MAIL_MAX_BYTES="20000",
    ) as runtime:
        yield runtime


@pytest.fixture
def sqlite_inbox_town(tmp_path: Path, smtp: MailServer, mailbox: Mailbox) -> Iterator[Runtime]:
    """An instance reading the test mailbox, on SQLite only (for the slow engines' tests)."""
    with mail_town(
        tmp_path / "data",
        f"sqlite:///{tmp_path / 'town.db'}",
        smtp,
        INSPRAAK_IMAP_URL=mailbox.url(),
    ) as runtime:
        yield runtime
