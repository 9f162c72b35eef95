"""What a resident wrote in a mail, without quoted history, signatures or HTML (pure)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# The line a mail program writes above the mail it quotes, in Dutch, French and English;
# Outlook's separator and header block. Everything from there on is history.
_QUOTE_HEADERS = (
    re.compile(r"^On\s.+\swrote:$", re.IGNORECASE),
    re.compile(r"^Op\s.+\s(schreef|geschreven)\b.*:$", re.IGNORECASE),
    re.compile(r"^Le\s.+\sa\s+écrit\s*:$", re.IGNORECASE),
    re.compile(
        r"^-{2,}\s*(Original Message|Oorspronkelijk bericht|Message d'origine)\s*-{2,}$", re.I
    ),
    re.compile(r"^(From|Van|De)\s*:\s.+@", re.IGNORECASE),
)
# "Sent from my iPhone" and the like, which say nothing the resident meant to say.
_SENT_FROM = re.compile(
    r"^(Verzonden|Verstuurd)\s+(vanaf|met|van)\s+mijn\s+\S.*$"
    r"|^Sent\s+from\s+my\s+\S.*$"
    r"|^Envoy[ée]\s+(de|depuis)\s+mon\s+\S.*$"
    r"|^Get\s+Outlook\s+for\s+\S.*$",
    re.IGNORECASE,
)
_SIGNATURE = "-- "


def _is_quote_header(line: str) -> bool:
    return any(pattern.match(line.strip()) for pattern in _QUOTE_HEADERS)


def without_history(text: str) -> str:
    """Keep what the sender wrote: no `>` quotes, quoted mail, signature or "sent from"."""
    lines = text.replace("\r\n", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if line == _SIGNATURE or line.rstrip() == "--" and index > 0:
            break
        # Mail programs wrap a long "On …, … wrote:" over two lines.
        joined = f"{line.strip()} {lines[index + 1].strip()}" if index + 1 < len(lines) else line
        if _is_quote_header(line) or (line.strip() and _is_quote_header(joined)):
            break
        if line.lstrip().startswith(">") or _SENT_FROM.match(line.strip()):
            continue
        kept.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "hr"}
_HIDDEN = {"script", "style", "head", "title", "template", "noscript"}


class _Text(HTMLParser):
    """Collects the text a reader sees; scripts, styles and images give nothing."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.quoted = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag == "blockquote":
            self.quoted += 1  # quoted history, as a `>` line in plain text
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag == "blockquote":
            self.quoted = max(0, self.quoted - 1)
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden and not self.quoted:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(markup: str) -> str:
    """Turn an HTML mail into plain text: nothing run, nothing fetched."""
    parser = _Text()
    parser.feed(markup)
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
