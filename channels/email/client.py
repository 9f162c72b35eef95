"""The mail server: submission over STARTTLS or implicit TLS, with authentication."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from intake.errors import SafeError
from intake.jobs import PermanentJobError
from intake.outbound import RecipientGoneError

TIMEOUT_SECONDS = 30


class MailDeferredError(SafeError):
    """The server could not take the mail now (busy, unreachable, 4xx): a retry may succeed."""


class MailRefusedError(PermanentJobError):
    """The server refused the mail itself (5xx after the recipient was accepted): no retry."""


@dataclass(frozen=True)
class Server:
    """Where and how to submit mail, read from INSPRAAK_SMTP_URL."""

    host: str
    port: int
    implicit_tls: bool
    user: str | None
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> Server:
        """Read `smtp://user:pass@host:587` (STARTTLS) or `smtps://user:pass@host:465`."""
        parts = urlsplit(url)
        implicit = parts.scheme == "smtps"
        return cls(
            host=parts.hostname or "",
            port=parts.port or (465 if implicit else 587),
            implicit_tls=implicit,
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


def _connect(server: Server) -> smtplib.SMTP:
    # The system's trusted certificates (SSL_CERT_FILE may name another bundle); a password
    # never crosses the network in the clear, so plain smtp:// always upgrades with STARTTLS.
    context = ssl.create_default_context()
    if server.implicit_tls:
        return smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT_SECONDS, context=context)
    connection = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
    try:
        connection.starttls(context=context)
    except smtplib.SMTPNotSupportedError:
        connection.close()
        raise MailDeferredError(
            f"mail server {server.host}:{server.port} offers no STARTTLS; nothing was sent"
        ) from None
    except BaseException:
        connection.close()
        raise
    return connection


def submit(url: str, mail: EmailMessage, recipient: str) -> None:
    """Hand `mail` to the server for `recipient`.

    Raises `RecipientGoneError` when the server refuses the recipient for good (5xx),
    `MailRefusedError` when it refuses the mail itself, `MailDeferredError` when a later
    try may succeed. Messages carry status codes and the host, never the address.
    """
    server = Server.from_url(url)
    try:
        with _connect(server) as connection:
            if server.user is not None:
                connection.login(server.user, server.password or "")
            connection.send_message(mail, to_addrs=[recipient])
    except smtplib.SMTPRecipientsRefused as error:
        code = next(iter(error.recipients.values()))[0]
        if 500 <= code < 600:
            raise RecipientGoneError(f"mail server refused the recipient ({code})") from None
        raise MailDeferredError(f"mail server deferred the recipient ({code})") from None
    except smtplib.SMTPAuthenticationError as error:
        raise MailDeferredError(
            f"mail server refused the login ({error.smtp_code}); check INSPRAAK_SMTP_URL"
        ) from None
    except smtplib.SMTPResponseException as error:
        if 500 <= error.smtp_code < 600:
            raise MailRefusedError(f"mail server refused the mail ({error.smtp_code})") from None
        raise MailDeferredError(f"mail server deferred the mail ({error.smtp_code})") from None
    except smtplib.SMTPNotSupportedError:
        raise MailDeferredError(
            f"mail server {server.host}:{server.port} offers no login (AUTH); nothing was sent"
        ) from None
    except (smtplib.SMTPException, OSError) as error:
        raise MailDeferredError(
            f"mail server {server.host}:{server.port} unreachable ({type(error).__name__})"
        ) from None
