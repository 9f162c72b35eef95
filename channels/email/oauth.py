"""Signing in to the mailbox with OAuth2: an app's token (client credentials) and XOAUTH2.

Microsoft 365 no longer takes passwords over IMAP: an app registered in the municipality's
Entra ID, allowed into this one mailbox, asks the token endpoint for a token with its own
id and secret, and signs in with it (the SASL mechanism XOAUTH2). A token is kept until
shortly before it expires.
"""

from __future__ import annotations

import threading
import time
from urllib.parse import urlsplit

import requests

from channels.email.mailbox import MailboxError
from intake.mail_settings import MailOAuth

# A token this close to its end is not used for a new sign-in.
MARGIN_SECONDS = 120


class TokenSource:
    """Tokens for the mailbox app, fetched when none is held or the one held runs out."""

    def __init__(self, oauth: MailOAuth) -> None:
        self.oauth = oauth
        self._token = ""
        self._until = 0.0
        self._lock = threading.Lock()

    def token(self) -> str:
        """Return a token valid for a few minutes at least; raise MailboxError if refused."""
        with self._lock:
            if not self._token or time.monotonic() > self._until - MARGIN_SECONDS:
                self._token, lifetime = self._fetch()
                self._until = time.monotonic() + lifetime
            return self._token

    def _fetch(self) -> tuple[str, float]:
        host = urlsplit(self.oauth.token_url).hostname
        try:
            answer = requests.post(
                self.oauth.token_url,
                data={
                    "grant_type": "client_credentials",
                    "client_id": self.oauth.client_id,
                    "client_secret": self.oauth.client_secret,
                    "scope": self.oauth.scope,
                },
                timeout=30,
            )
        except requests.RequestException as error:
            raise MailboxError(
                f"token service {host} unreachable ({type(error).__name__})"
            ) from None
        if answer.status_code != 200:
            # The body may name the app or repeat what was sent: only the status is told.
            raise MailboxError(f"token service {host} refused the app (HTTP {answer.status_code})")
        try:
            found = answer.json()
            return str(found["access_token"]), float(found.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise MailboxError(f"token service {host} answered without a token") from None


def xoauth2(user: str, token: str) -> bytes:
    """Return the XOAUTH2 sign-in for `user` with `token`."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01".encode()
