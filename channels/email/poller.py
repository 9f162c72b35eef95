"""Read the participation mailbox: each mail in, committed, then moved out of the inbox.

The inbox is the spool: a mail leaves it only after what it brought is committed. When
the database cannot take it, it stays and is read again on the next round; when the move
fails after the commit, the next round finds it stored (Message-ID) and only moves it.
"""

from __future__ import annotations

import imaplib
import logging
import threading

from channels.email.dialogue import refuse_large, take_in
from channels.email.incoming import read_mail
from channels.email.mailbox import Mailbox, MailboxError, opened
from channels.email.oauth import TokenSource, xoauth2
from intake.db import UNAVAILABLE
from intake.errors import describe
from intake.runtime import Runtime
from intake.tenancy import DEFAULT_TENANT_ID, scoped

log = logging.getLogger("inspraak.email")
PAUSE_SECONDS = 30.0
PEEK_BYTES = 64 * 1024


# The connection failed (not the mail): read again after a pause, on a new connection.
_CONNECTION = (MailboxError, OSError, imaplib.IMAP4.error)


def _said(error: BaseException) -> str:
    return str(error) if isinstance(error, MailboxError) else type(error).__name__


class Poller:
    """Take in what waits in the mailbox, then wait for more (IDLE, or a pause)."""

    def __init__(self, runtime: Runtime, *, pause: float = PAUSE_SECONDS) -> None:
        self.runtime = runtime
        oauth = runtime.settings.imap_oauth
        tokens = TokenSource(oauth) if oauth is not None else None
        # With an app's token (OAuth2) instead of the password in the mailbox's URL.
        self._sign_in = (lambda user: xoauth2(user, tokens.token())) if tokens else None
        self.pause = pause
        self.handled = 0
        self._stopping = threading.Event()

    def stop(self, *_args: object) -> None:
        """Leave the loop after the current mail."""
        self._stopping.set()

    def run(self, *, once: bool = False) -> int:
        """Read until stopped, or until the inbox is read once when `once`; return mails done."""
        url = self.runtime.settings.imap_url
        assert url is not None
        while not self._stopping.is_set():
            try:
                with opened(url, self._sign_in) as mailbox:
                    while not self._stopping.is_set():
                        self.round(mailbox)
                        if once:
                            return self.handled
                        mailbox.wait(self._stopping, self.pause)
            except _CONNECTION as error:
                if once:
                    raise
                log.warning("mailbox not read, trying again: %s", _said(error))
            self._stopping.wait(self.pause)
        return self.handled

    def round(self, mailbox: Mailbox) -> None:
        """Take in every mail the inbox holds now, oldest first."""
        for uid in mailbox.waiting():
            if self._stopping.is_set():
                return
            try:
                self._take(mailbox, uid)
            except UNAVAILABLE as error:
                # The mail stays in the inbox, the spool; the next round tries again.
                log.warning(
                    "mail %s left in the inbox: database unavailable (%s)",
                    int(uid),
                    describe(error),
                )
                return
            except _CONNECTION:
                raise
            except Exception as error:  # noqa: BLE001 - one bad mail must not stop the others
                # Left in the inbox for a person to look at; the others are still read.
                log.warning("mail %s left in the inbox: %s", int(uid), type(error).__name__)

    def _take(self, mailbox: Mailbox, uid: bytes) -> None:
        settings = self.runtime.settings
        too_large = mailbox.size(uid) > settings.mail_max_bytes
        # Of a mail too large, only its start: enough to know who wrote, and in which language.
        raw = mailbox.fetch(uid, first=PEEK_BYTES if too_large else None)
        mail = read_mail(raw)
        # One mailbox serves every municipality: the address it was sent to says whose it is.
        addressed = self.runtime.tenants.by_address(mail.recipients)
        with (
            scoped(addressed.id if addressed else DEFAULT_TENANT_ID),
            self.runtime.db.session() as session,
        ):
            if too_large:
                outcome = refuse_large(session, self.runtime, mail)
            else:
                outcome = take_in(session, self.runtime, mail, raw)
            session.commit()
        mailbox.move(uid, settings.imap_done_folder)
        self.handled += 1
        log.info("mail %s: %s %s", int(uid), outcome.action, outcome.reference or "")
