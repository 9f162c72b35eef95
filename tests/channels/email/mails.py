"""Mails as residents, their mail programs and mail servers write them."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from tests.support.smtp import MAIL_FROM

RESIDENT = "an.peeters@example.org"


def mail(
    text: str | None = "Meer bomen in het park, graag.",
    *,
    sender: str = RESIDENT,
    to: str = MAIL_FROM,
    subject: str = "Mijn idee",
    html: str | None = None,
    **headers: str,
) -> EmailMessage:
    """Write a resident's mail: plain text, HTML or both, with any extra headers."""
    message = EmailMessage()
    message["From"] = f"An Peeters <{sender}>"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate()
    message["Message-ID"] = make_msgid(domain="example.org")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    if text is not None:
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    return message


def bounce(recipient: str, original_id: str) -> bytes:
    """Write the delivery status notification (RFC 3464) a mail server sends for a dead address."""
    return f"""From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
To: {MAIL_FROM}
Subject: Undelivered Mail Returned to Sender
Date: {formatdate()}
Message-ID: {make_msgid(domain="mx.example.org")}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

This is the mail system. Your message could not be delivered.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; {recipient}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 No such user

--b1
Content-Type: text/rfc822-headers

Message-ID: {original_id}
From: {MAIL_FROM}
To: {recipient}

--b1--
""".replace("\n", "\r\n").encode()
