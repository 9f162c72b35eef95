"""Keyed hashes of channel addresses: match a resident without storing who they are."""

from __future__ import annotations

import hashlib
import hmac
import re


def normalise_address(kind: str, address: str) -> str:
    """Bring an address to one spelling so the same person always hashes the same."""
    address = address.strip()
    if kind == "phone":
        address = address.removeprefix("whatsapp:")
        digits = re.sub(r"[^\d+]", "", address)
        if digits.startswith("00"):
            digits = "+" + digits[2:]
        elif digits.startswith("0"):
            digits = "+32" + digits[1:]  # a Belgian national number
        return digits
    if kind == "email":
        return address.lower()
    return address


def keyed_hash(secret: str, kind: str, address: str) -> str:
    """Return the HMAC-SHA256 of a normalised address under the instance secret."""
    message = f"{kind}:{normalise_address(kind, address)}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
