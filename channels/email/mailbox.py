"""The participation mailbox over IMAP: TLS always, new mail by IDLE or polling, moved when done."""

from __future__ import annotations

import imaplib
import re
import select
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from intake.errors import SafeError

TIMEOUT_SECONDS = 60
# RFC 2177: a client re-issues IDLE at least every 29 minutes; servers drop it after 30.
IDLE_SECONDS = 25 * 60
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
_LIST_DELIMITER = re.compile(rb'^\([^)]*\) (?:"(.)"|NIL)')


class MailboxError(SafeError):
    """The mailbox cannot be read now (unreachable, refused login, no TLS): tried again later."""


@dataclass(frozen=True)
class Account:
    """Where the mailbox is and how to sign in, read from INSPRAAK_IMAP_URL."""

    host: str
    port: int
    implicit_tls: bool
    user: str
    password: str
    folder: str

    @classmethod
    def from_url(cls, url: str) -> Account:
        """Read `imaps://user:pass@host:993/INBOX` or `imap://…:143/INBOX` (STARTTLS)."""
        parts = urlsplit(url)
        implicit = parts.scheme == "imaps"
        return cls(
            host=parts.hostname or "",
            port=parts.port or (993 if implicit else 143),
            implicit_tls=implicit,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            folder=unquote(parts.path.lstrip("/")) or "INBOX",
        )


class Mailbox:
    """One signed-in connection with the intake folder selected."""

    def __init__(self, connection: imaplib.IMAP4, account: Account) -> None:
        self.connection = connection
        self.account = account

    def waiting(self) -> list[bytes]:
        """Return the UIDs of every mail in the folder: what is still there is not done."""
        status, data = self.connection.uid("SEARCH", "ALL")
        _check(status, "SEARCH")
        return list(data[0].split()) if data and data[0] else []

    def size(self, uid: bytes) -> int:
        """Return the size in bytes of one mail, as the server counts it."""
        status, data = self.connection.uid("FETCH", uid, "(RFC822.SIZE)")
        _check(status, "FETCH")
        found = _SIZE.search(b" ".join(d for d in data if isinstance(d, bytes)))
        return int(found.group(1)) if found else 0

    def fetch(self, uid: bytes, *, first: int | None = None) -> bytes:
        """Return one mail (or only its `first` bytes) without marking it read."""
        part = "BODY.PEEK[]" if first is None else f"BODY.PEEK[]<0.{first}>"
        status, data = self.connection.uid("FETCH", uid, f"({part})")
        _check(status, "FETCH")
        for item in data:
            if isinstance(item, tuple):
                return bytes(item[1])
        raise MailboxError("the server sent no mail for a UID it listed")

    def move(self, uid: bytes, folder: str) -> None:
        """Move one mail to `folder` (made if missing): UID MOVE, or COPY, delete and expunge."""
        target = self._folder_name(folder)
        self._create(target)
        quoted = _quote(target)
        if "MOVE" in self.connection.capabilities:
            status, _ = self.connection.uid("MOVE", uid, quoted)
            _check(status, "MOVE")
            return
        status, _ = self.connection.uid("COPY", uid, quoted)
        _check(status, "COPY")
        status, _ = self.connection.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)")
        _check(status, "STORE")
        if "UIDPLUS" in self.connection.capabilities:
            status, _ = self.connection.uid("EXPUNGE", uid)
        else:
            status, _ = self.connection.expunge()
        _check(status, "EXPUNGE")

    def _folder_name(self, folder: str) -> str:
        # "Inspraak/Verwerkt" in the server's own hierarchy delimiter ("/" or ".").
        status, data = self.connection.list('""', '""')
        found = _LIST_DELIMITER.match(data[0]) if status == "OK" and data and data[0] else None
        delimiter = found.group(1).decode() if found and found.group(1) else "/"
        return folder.replace("/", delimiter)

    def _create(self, folder: str) -> None:
        status, data = self.connection.list('""', _quote(folder))
        if status == "OK" and data and data[0]:
            return
        status, _ = self.connection.create(_quote(folder))
        _check(status, "CREATE")

    def wait(self, stop: threading.Event, seconds: float) -> None:
        """Wait until new mail may have come: by IDLE where offered, else for `seconds`."""
        if "IDLE" not in self.connection.capabilities:
            stop.wait(seconds)
            return
        connection = self.connection
        tag = connection._new_tag()  # noqa: SLF001 - imaplib before 3.14 has no idle()
        connection.send(tag + b" IDLE\r\n")
        if not connection.readline().startswith(b"+"):
            raise MailboxError("the server refused IDLE")
        remaining = min(IDLE_SECONDS, max(seconds, 1.0))
        while remaining > 0 and not stop.is_set():
            if _readable(connection, 1.0):
                line = connection.readline()
                if not line:
                    raise MailboxError("the server closed the connection")
                if b"EXISTS" in line or b"RECENT" in line:
                    break
            remaining -= 1.0
        connection.send(b"DONE\r\n")
        while True:
            line = connection.readline()
            if not line:
                raise MailboxError("the server closed the connection")
            if line.startswith(tag):
                return


def _readable(connection: imaplib.IMAP4, seconds: float) -> bool:
    sock = connection.sock
    if isinstance(sock, ssl.SSLSocket) and sock.pending():
        return True
    readable, _, _ = select.select([sock], [], [], seconds)
    return bool(readable)


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check(status: str, command: str) -> None:
    if status != "OK":
        raise MailboxError(f"the mail server refused {command}")


def _connect(account: Account) -> imaplib.IMAP4:
    # The system's trusted certificates (SSL_CERT_FILE may name another bundle); the
    # password never crosses the network in the clear: imap:// must upgrade with STARTTLS.
    context = ssl.create_default_context()
    if account.implicit_tls:
        return imaplib.IMAP4_SSL(
            account.host, account.port, ssl_context=context, timeout=TIMEOUT_SECONDS
        )
    connection = imaplib.IMAP4(account.host, account.port, timeout=TIMEOUT_SECONDS)
    try:
        connection.starttls(context)
    except imaplib.IMAP4.error:
        connection.shutdown()
        raise MailboxError(
            f"mail server {account.host}:{account.port} offers no STARTTLS; not signing in"
        ) from None
    return connection


def _sign_in(
    connection: imaplib.IMAP4, account: Account, sign_in: Callable[[str], bytes] | None
) -> None:
    if sign_in is None:
        connection.login(account.user, account.password)
        return
    first = sign_in(account.user)  # the token is fetched before the server is spoken to
    asked: list[bytes] = []

    def answer(challenge: bytes) -> bytes:
        # A refused token comes back as a challenge holding the error; it is answered empty.
        asked.append(challenge)
        return first if len(asked) == 1 else b""

    connection.authenticate("XOAUTH2", answer)


@contextmanager
def opened(url: str, sign_in: Callable[[str], bytes] | None = None) -> Iterator[Mailbox]:
    """Sign in to the mailbox of `url` and select its folder; log out afterwards.

    `sign_in`: the XOAUTH2 answer for the mailbox's user (an app's token) instead of the
    password in `url`. Raises `MailboxError` with the host and what failed, never the password.
    """
    account = Account.from_url(url)
    try:
        connection = _connect(account)
    except (OSError, imaplib.IMAP4.error) as error:
        raise MailboxError(
            f"mail server {account.host}:{account.port} unreachable ({type(error).__name__})"
        ) from None
    try:
        try:
            _sign_in(connection, account, sign_in)
        except imaplib.IMAP4.error:
            raise MailboxError(
                f"mail server {account.host} refused the login; check INSPRAAK_IMAP_URL"
            ) from None
        status, _ = connection.select(_quote(account.folder))
        _check(status, "SELECT")
        yield Mailbox(connection, account)
    finally:
        with suppress(OSError, imaplib.IMAP4.error):
            connection.logout()
