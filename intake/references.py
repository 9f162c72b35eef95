"""Public references: short, random, and easy to read aloud and to type on a phone."""

from __future__ import annotations

import re
import secrets

# No 0/O, 1/I/L, 5/S, 2/Z, 8/B, U/V: pairs people mix up when reading or hearing them.
ALPHABET = "34679ACDEFGHJKMNPQRTWXY"
LENGTH = 6
_PATTERN = re.compile(rf"^[{ALPHABET}]{{{LENGTH}}}$")


def new_reference() -> str:
    """Draw a reference like `K7M-4PQ` from a cryptographic random source."""
    # One draw for the whole reference, read as base-23 digits: as uniform as a draw per
    # letter, and one system call instead of six on every contribution.
    number = secrets.randbelow(len(ALPHABET) ** LENGTH)
    letters = []
    for _ in range(LENGTH):
        number, digit = divmod(number, len(ALPHABET))
        letters.append(ALPHABET[digit])
    return f"{''.join(letters[:3])}-{''.join(letters[3:])}"


def normalise_reference(text: str) -> str | None:
    """Turn what a resident typed (`k7m 4pq`, `K7M4PQ`) into a stored reference, or None."""
    compact = re.sub(r"[^0-9A-Za-z]", "", text).upper()
    if not _PATTERN.match(compact):
        return None
    return f"{compact[:3]}-{compact[3:]}"


def spoken(reference: str) -> str:
    """Spell a reference character by character, for a voice to read out."""
    return ", ".join(ch for ch in reference if ch != "-")
