"""The mail settings: the SMTP server to send by, the mailbox to read, and its OAuth2 app.

Each URL holds a password, so no message here ever repeats it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from intake.errors import ConfigError


@dataclass(frozen=True)
class MailOAuth:
    """An app registered with the mail provider, which gets tokens for the mailbox itself.

    The client-credentials grant of OAuth2 (Microsoft 365's "app-only" access to a mailbox).
    """

    token_url: str
    client_id: str
    client_secret: str = field(repr=False)
    scope: str = "https://outlook.office365.com/.default"


def smtp(env: Mapping[str, str], public_url: str | None) -> tuple[str | None, str | None]:
    url = env.get("INSPRAAK_SMTP_URL", "").strip() or None
    sender = env.get("INSPRAAK_MAIL_FROM", "").strip() or None
    if url is None:
        if sender is not None:
            raise ConfigError("INSPRAAK_MAIL_FROM needs INSPRAAK_SMTP_URL (the server to send by).")
        return None, None
    # The URL holds a password: it is never repeated in a message.
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise ConfigError("INSPRAAK_SMTP_URL has a port that is not a number.") from None
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError(
            "INSPRAAK_SMTP_URL must look like smtp://user:password@host:587 (STARTTLS) or "
            "smtps://user:password@host:465 (TLS from the start)."
        )
    if sender is None or not re.fullmatch(r"(.*<)?[^@<>\s]+@[^@<>\s]+\.[^@<>\s]+>?", sender):
        raise ConfigError(
            "INSPRAAK_MAIL_FROM must be the address mail is sent from, e.g. "
            'inspraak@gemeente.be or "Gemeente Inspraak <inspraak@gemeente.be>".'
        )
    if public_url is None:
        raise ConfigError(
            "E-mail needs INSPRAAK_PUBLIC_URL: every mail carries a link to stop receiving mail."
        )
    return url, sender


def imap(env: Mapping[str, str], smtp_url: str | None) -> str | None:
    url = env.get("INSPRAAK_IMAP_URL", "").strip() or None
    if url is None:
        return None
    # The URL holds a password: it is never repeated in a message.
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise ConfigError("INSPRAAK_IMAP_URL has a port that is not a number.") from None
    if parts.scheme not in ("imap", "imaps") or not parts.hostname or not parts.username:
        raise ConfigError(
            "INSPRAAK_IMAP_URL must look like imaps://user:password@host:993/INBOX (TLS from "
            "the start) or imap://user:password@host:143/INBOX (STARTTLS)."
        )
    if smtp_url is None:
        raise ConfigError(
            "E-mail intake needs INSPRAAK_SMTP_URL and INSPRAAK_MAIL_FROM: every mail taken in "
            "is acknowledged by mail."
        )
    return url


def imap_oauth(env: Mapping[str, str], imap_url: str | None) -> MailOAuth | None:
    names = (
        "INSPRAAK_IMAP_OAUTH_TOKEN_URL",
        "INSPRAAK_IMAP_OAUTH_CLIENT_ID",
        "INSPRAAK_IMAP_OAUTH_CLIENT_SECRET",
    )
    values = [env.get(name, "").strip() for name in names]
    if not any(values):
        return None
    if not all(values):
        raise ConfigError(f"Set all of {', '.join(names)}, or none of them.")
    if imap_url is None or urlsplit(imap_url).password:
        raise ConfigError(
            "With INSPRAAK_IMAP_OAUTH_TOKEN_URL, INSPRAAK_IMAP_URL names the mailbox without a "
            "password: imaps://inspraak%40gemeente.be@outlook.office365.com:993/INBOX"
        )
    token_url = urlsplit(values[0])
    local = token_url.hostname in ("127.0.0.1", "::1", "localhost")
    if token_url.scheme != "https" and not (token_url.scheme == "http" and local):
        raise ConfigError("INSPRAAK_IMAP_OAUTH_TOKEN_URL must be an https:// address.")
    scope = env.get("INSPRAAK_IMAP_OAUTH_SCOPE", "").strip()
    return MailOAuth(values[0], values[1], values[2], scope or MailOAuth.scope)
