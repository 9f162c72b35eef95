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
