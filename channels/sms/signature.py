"""Check that a webhook comes from Twilio: `X-Twilio-Signature` over the public URL."""

from __future__ import annotations

from urllib.parse import urlparse

from flask import Request
from twilio.request_validator import RequestValidator, compare, remove_port

SIGNATURE_HEADER = "X-Twilio-Signature"


def signed_url(request: Request, public_url: str | None) -> str:
    """Return the URL Twilio called: the public base behind a proxy, else the request's own."""
    base = public_url or f"{request.scheme}://{request.host}{request.script_root}"
    query = request.query_string.decode("latin-1")
    return f"{base}{request.path}" + (f"?{query}" if query else "")


def is_signed(request: Request, auth_token: str, public_url: str | None) -> bool:
    """Tell whether the request carries a valid Twilio signature for its URL and form."""
    signature = request.headers.get(SIGNATURE_HEADER)
    if not signature:
        return False
    validator = RequestValidator(auth_token)
    url = signed_url(request, public_url)
    # `validate` accepts the signature of the URL without its port or of the URL with it,
    # and computes both every time. Twilio signs the first for every usual URL: check it
    # alone first; only a request it fails goes through the library's whole check.
    without_port = remove_port(urlparse(url))
    if compare(validator.compute_signature(without_port, request.form), signature):
        return True
    return bool(validator.validate(url, request.form, signature))
