"""Check that a webhook comes from Twilio: `X-Twilio-Signature` over the public URL."""

from __future__ import annotations

from flask import Request
from twilio.request_validator import RequestValidator

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
    return bool(validator.validate(signed_url(request, public_url), request.form, signature))
