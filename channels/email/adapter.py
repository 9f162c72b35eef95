"""A message for a resident ↔ the mail that carries it: plain text and simple HTML (pure)."""

from __future__ import annotations

import html
import re
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from channels.email.texts import footer, subject
from intake.plugins import Outgoing

EMAIL = "email"
_LINK = re.compile(r"https?://[^\s<>\"']+")


def _html(body: str, about: Outgoing, title: str, stop_url: str) -> str:
    why, stop = footer(about.language)
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", body.strip()):
        escaped = html.escape(paragraph)
        linked = _LINK.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
        paragraphs.append("<p>" + linked.replace("\n", "<br>\n") + "</p>")
    # No images, no styles that hide text, nothing fetched when opened: nothing tracks.
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(about.language)}">\n<head>\n'
        '<meta charset="utf-8">\n<meta name="viewport" content="width=device-width">\n'
        f"<title>{html.escape(title)}</title>\n</head>\n"
        '<body style="font-family: sans-serif; font-size: 1.1em; line-height: 1.5; '
        'max-width: 40em;">\n' + "\n".join(paragraphs) + f"\n<hr>\n<p>{html.escape(why)}<br>\n"
        f'<a href="{html.escape(stop_url)}">{html.escape(stop)}</a></p>\n</body>\n</html>\n'
    )


def to_mail(sender: str, address: str, body: str, about: Outgoing, stop_url: str) -> EmailMessage:
    """Write the mail for `body` to `address`, with a one-click stop link (RFC 8058)."""
    title = subject(about)
    why, stop = footer(about.language)
    mail = EmailMessage()
    mail["Subject"] = title
    mail["From"] = sender
    mail["To"] = address
    mail["Date"] = formatdate(localtime=False)
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    mail["Message-ID"] = make_msgid(domain=domain)
    mail["Auto-Submitted"] = "auto-generated"
    mail["List-Unsubscribe"] = f"<{stop_url}>"
    mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.set_content(f"{body.strip()}\n\n-- \n{why}\n{stop}: {stop_url}\n")
    mail.add_alternative(_html(body, about, title, stop_url), subtype="html")
    # After the parts: setting content clears the Content-* headers.
    mail["Content-Language"] = about.language
    return mail
