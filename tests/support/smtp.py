"""A real SMTP server on 127.0.0.1 (aiosmtpd) with STARTTLS and AUTH, recording what it gets.

Its certificate is made for the test with openssl and trusted through SSL_CERT_FILE, the
way a municipality trusts its own mail server's certificate authority.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER = "inspraak"
PASSWORD = "geheim wachtwoord"
# The address an instance under test sends from.
MAIL_FROM = "inspraak@gemeente.example.be"
IMPLICIT_TLS_WARNING = "ignore:Requiring AUTH while not requiring TLS:UserWarning"


@dataclass(frozen=True)
class Received:
    """One mail as the server took it: envelope, headers and parts."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    over_tls: bool
    login: str | None

    def part(self, subtype: str) -> str:
        """Return the text of the `text/<subtype>` part."""
        found = self.message.get_body(preferencelist=(subtype,))
        assert found is not None and found.get_content_subtype() == subtype
        return str(found.get_content())


@dataclass
class MailServer:
    """The recorder and the knobs tests turn: answers for chosen recipients."""

    port: int
    cert: Path
    received: list[Received] = field(default_factory=list)
    # Recipient address (lower case) → the answer to its RCPT TO, e.g. "550 5.1.1 No such user".
    refuse: dict[str, str] = field(default_factory=dict)

    implicit_tls: bool = False

    def url(self) -> str:
        """Return INSPRAAK_SMTP_URL for this server (STARTTLS, or TLS from the start)."""
        scheme = "smtps" if self.implicit_tls else "smtp"
        return f"{scheme}://{USER}:{PASSWORD.replace(' ', '%20')}@127.0.0.1:{self.port}"

    def to(self, address: str) -> list[Received]:
        """Return the mails delivered to `address`."""
        return [mail for mail in self.received if address in mail.rcpt_tos]

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        answer = self.refuse.get(address.lower())
        if answer is not None:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.original_content, policy=default)
        assert isinstance(message, EmailMessage)
        login = session.auth_data.decode() if session.authenticated else None
        self.received.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                message,
                session.ssl is not None,
                login,
            )
        )
        return "250 Message accepted for delivery"


def _authenticate(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER.encode()
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, auth_data=auth_data.login if ok else None)


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "smtp.crt", folder / "smtp.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(folder: Path, *, tls: str = "starttls") -> Iterator[MailServer]:
    """Serve SMTP on 127.0.0.1, AUTH required before mail.

    `tls`: "starttls" (required before AUTH), "implicit" (TLS from the first byte) or "none"
    (a server that offers no encryption at all).
    """
    cert, key = _certificate(folder)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = MailServer(port=_free_port(), cert=cert, implicit_tls=tls == "implicit")
    options: dict[str, Any] = {
        "starttls": {"tls_context": context, "require_starttls": True, "auth_require_tls": True},
        # aiosmtpd sees only STARTTLS as TLS (and warns: tests using this ignore
        # IMPLICIT_TLS_WARNING); here the whole connection is.
        "implicit": {"ssl_context": context, "auth_require_tls": False},
        # Nothing to protect a password with: such a server should not ask for one.
        "none": {"auth_required": False},
    }[tls]
    controller = Controller(
        server,
        hostname="127.0.0.1",
        port=server.port,
        authenticator=_authenticate,
        **{"auth_required": True, **options},
    )
    controller.start()
    try:
        yield server
    finally:
        controller.stop()
