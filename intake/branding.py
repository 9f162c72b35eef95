"""A municipality's look on residents' pages: its name, logo and one accent colour.

The accent colours links, buttons and frames on white, and white text on buttons, so it
must reach WCAG's 4.5:1 contrast against white either way; a colour that does not is
refused when it is set. The colour reaches the page in a one-line <style> whose hash the
Content-Security-Policy allows for that page alone (`intake.headers`).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re

from markupsafe import Markup

MIN_CONTRAST = 4.5
HEX_COLOUR = re.compile(r"^#?([0-9a-fA-F]{6})$")
# What a logo may be: sniffed from its first bytes, never taken from a file name.
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
MAX_LOGO_BYTES = 512 * 1024


class BrandingError(ValueError):
    """A colour or logo a municipality cannot use (the message says why)."""


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """Return the WCAG contrast ratio of two `#rrggbb` colours (1 to 21)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def checked_accent(value: str) -> str:
    """Return `value` as `#rrggbb` if it contrasts enough with white, else raise."""
    match = HEX_COLOUR.match(value.strip())
    if match is None:
        raise BrandingError(f"not a colour like #0b4ea2: {value!r}")
    colour = "#" + match.group(1).lower()
    ratio = contrast(colour, "#ffffff")
    if ratio < MIN_CONTRAST:
        raise BrandingError(
            f"{colour} has a contrast of {ratio:.2f}:1 with white; at least {MIN_CONTRAST}:1 "
            "is needed for text and buttons to stay readable"
        )
    return colour


def logo_type(data: bytes) -> str:
    """Return the media type of a logo (PNG or JPEG), or raise for anything else."""
    if len(data) > MAX_LOGO_BYTES:
        raise BrandingError(f"a logo may be at most {MAX_LOGO_BYTES // 1024} KiB")
    for magic, media_type in LOGO_TYPES.items():
        if data.startswith(magic):
            return media_type
    raise BrandingError("a logo must be a PNG or JPEG image")


def accent_css(accent: str) -> str:
    """Return the stylesheet that gives the page its accent colour."""
    return f":root{{--accent:{accent}}}"


@functools.lru_cache(maxsize=256)
def accent_source(accent: str) -> str:
    """Return the CSP source that allows the accent's stylesheet, by its hash."""
    digest = hashlib.sha256(accent_css(accent).encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def accent_style(accent: str) -> Markup:
    """Return the <style> element of the accent (its value was checked when it was set)."""
    return Markup(f"<style>{accent_css(accent)}</style>")  # noqa: S704 - a checked colour
