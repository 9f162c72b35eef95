"""SMS segments: how many messages a text costs under GSM-7 or UCS-2 encoding."""

from __future__ import annotations

from typing import Literal

# 3GPP TS 23.038 default alphabet; the extension table costs an escape septet extra.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
SINGLE = {"GSM-7": 160, "UCS-2": 70}
PART = {"GSM-7": 153, "UCS-2": 67}

Encoding = Literal["GSM-7", "UCS-2"]


def encoding(text: str) -> Encoding:
    """Name the encoding a phone network uses for `text`."""
    if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text):
        return "GSM-7"
    return "UCS-2"


def length(text: str) -> int:
    """Count the text in its encoding's units: septets, or UTF-16 code units."""
    if encoding(text) == "GSM-7":
        return sum(2 if c in GSM7_EXTENSION else 1 for c in text)
    return len(text.encode("utf-16-le")) // 2


def segments(text: str) -> int:
    """Return how many SMS segments `text` takes (a concatenated SMS has smaller parts)."""
    kind = encoding(text)
    units = length(text)
    if units <= SINGLE[kind]:
        return 1
    return -(-units // PART[kind])


def fits(text: str, most: int) -> bool:
    """Tell whether `text` takes at most `most` segments."""
    return segments(text) <= most
