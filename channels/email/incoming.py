"""A mail as it arrived → what Inspraak needs of it (pure: no network, no database)."""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage, Message
from email.policy import default
from email.utils import getaddresses, parseaddr

from channels.email.cleaning import html_to_text, without_history

MAX_MESSAGE_ID = 128  # the width of a contribution's channel message id
_ANGLES = re.compile(r"<([^<>\s]+)>")
_DSN_FAILED = re.compile(r"^\s*Action:\s*failed", re.IGNORECASE | re.MULTILINE)
_DSN_RECIPIENT = re.compile(r"^\s*Final-Recipient:\s*[^;]*;\s*(\S+)", re.IGNORECASE | re.MULTILINE)
_DSN_PERMANENT = re.compile(r"^\s*Status:\s*5\.", re.IGNORECASE | re.MULTILINE)
_AUTOMATIC_SENDERS = ("mailer-daemon@", "postmaster@")


class Kind(enum.StrEnum):
    """What sort of mail it is: only a resident's own mail is answered."""

    PERSONAL = "personal"
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    LIST = "list"


@dataclass(frozen=True)
class Part:
    """A file that came with the mail."""

    media_type: str
    data: bytes
    file_name: str | None


@dataclass(frozen=True)
class IncomingMail:
    """One mail, read: who, to which address, about what, the text written, the files."""

    message_id: str
    sender: str
    recipients: tuple[str, ...]
    subject: str
    text: str
    language: str | None
    answers_to: tuple[str, ...]
    kind: Kind
    files: tuple[Part, ...] = ()
    # For a bounce: the addresses a mail of ours could not reach, for good.
    failed_recipients: tuple[str, ...] = ()

    @property
    def answerable(self) -> bool:
        """Tell whether an answer may go back: a person's mail, never a machine's (no loops)."""
        return self.kind is Kind.PERSONAL and bool(self.sender)


def mail_id(message_id: str | None, raw: bytes) -> str:
    """Return the id a mail is known by: its Message-ID, or a hash when absent or too long."""
    if message_id and len(message_id) <= MAX_MESSAGE_ID:
        return message_id
    source = message_id.encode() if message_id else raw
    return "sha256:" + hashlib.sha256(source).hexdigest()


def _kind(mail: Message) -> Kind:
    content_type = mail.get_content_type()
    sender = parseaddr(str(mail.get("From", "")))[1].lower()
    if content_type == "multipart/report" or sender.startswith(_AUTOMATIC_SENDERS):
        return Kind.BOUNCE
    auto = str(mail.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(mail.get("Precedence", "")).strip().lower()
    if auto != "no" or mail.get("X-Autoreply") or mail.get("X-Autorespond"):
        return Kind.AUTO_REPLY
    if precedence in ("auto_reply", "bulk", "junk"):
        return Kind.AUTO_REPLY
    if mail.get("List-Id") or mail.get("List-Unsubscribe") or precedence == "list":
        return Kind.LIST
    return Kind.PERSONAL


def _text(mail: EmailMessage) -> str:
    body = mail.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    try:
        content = str(body.get_content())
    except (LookupError, ValueError):  # an unknown or broken charset
        payload = body.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if body.get_content_subtype() == "html":
        content = html_to_text(content)
    return without_history(content)


def _files(mail: EmailMessage) -> tuple[Part, ...]:
    files = []
    for part in mail.iter_attachments():
        if part.is_multipart() or part.get_content_maintype() == "message":
            continue
        data = part.get_payload(decode=True)
        if isinstance(data, bytes) and data:
            files.append(Part(part.get_content_type(), data, part.get_filename()))
    return tuple(files)


def _failed(mail: EmailMessage) -> tuple[str, ...]:
    # A delivery-status part holds one header block per recipient (RFC 3464).
    failed = []
    for part in mail.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in part.get_payload():
            fields = str(block)
            found = _DSN_RECIPIENT.search(fields)
            if found and _DSN_FAILED.search(fields) and _DSN_PERMANENT.search(fields):
                failed.append(found.group(1).strip("<>").lower())
    return tuple(failed)


def _ids(value: object) -> tuple[str, ...]:
    return tuple(_ANGLES.findall(str(value or "")))


def read_mail(raw: bytes) -> IncomingMail:
    """Read a mail as the mailbox holds it (RFC 5322 bytes)."""
    mail = message_from_bytes(raw, policy=default)
    assert isinstance(mail, EmailMessage)
    kind = _kind(mail)
    ids = _ids(mail.get("Message-ID"))
    recipients = [
        address
        for header in ("Delivered-To", "X-Original-To", "To", "Cc")
        for _, address in getaddresses([str(v) for v in mail.get_all(header, [])])
        if address
    ]
    language = str(mail.get("Content-Language", "")).split(",")[0].strip().lower()[:2]
    return IncomingMail(
        message_id=mail_id(ids[0] if ids else None, raw),
        sender=parseaddr(str(mail.get("From", "")))[1].strip().lower(),
        recipients=tuple(recipients),
        subject=str(mail.get("Subject", "")).strip(),
        text=_text(mail) if kind is not Kind.BOUNCE else "",
        language=language or None,
        answers_to=(*_ids(mail.get("In-Reply-To")), *_ids(mail.get("References"))),
        kind=kind,
        files=_files(mail) if kind is Kind.PERSONAL else (),
        failed_recipients=_failed(mail) if kind is Kind.BOUNCE else (),
    )


def tag_of(recipients: tuple[str, ...]) -> str | None:
    """Return the address tag of the first `local+tag@domain` recipient (`park`), if any."""
    for address in recipients:
        local = address.partition("@")[0]
        if "+" in local:
            return local.partition("+")[2].lower() or None
    return None
