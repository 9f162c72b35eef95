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


# No images, nothing fetched when opened, no tracked links: nothing tracks the reader.
_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width">
<title>{title}</title>
</head>
<body style="font-family: sans-serif; font-size: 1.1em; line-height: 1.5; max-width: 40em;">
<main>
<h1 style="font-size: 1.3em;">{title}</h1>
{paragraphs}
</main>
<footer>
<hr>
<p>{why}<br>
<a href="{stop_url}">{stop}</a></p>
</footer>
</body>
</html>
"""


def _html(body: str, about: Outgoing, title: str, stop_url: str) -> str:
    why, stop = footer(about.language)
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", body.strip()):
        escaped = html.escape(paragraph)
        linked = _LINK.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
        paragraphs.append("<p>" + linked.replace("\n", "<br>\n") + "</p>")
    return _PAGE.format(
        lang=html.escape(about.language),
        title=html.escape(title),
        paragraphs="\n".join(paragraphs),
        why=html.escape(why),
        stop_url=html.escape(stop_url),
        stop=html.escape(stop),
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
