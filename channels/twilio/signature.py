"""Check that a webhook comes from Twilio: `X-Twilio-Signature` over the public URL."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar
from urllib.parse import urlparse

from flask import Request, abort, request
from twilio.request_validator import RequestValidator, compare, remove_port

from intake.current import runtime
from intake.tenancy import enter

SIGNATURE_HEADER = "X-Twilio-Signature"
log = logging.getLogger("inspraak.twilio")
P = ParamSpec("P")
R = TypeVar("R")


def signed_urls(request: Request, public_url: str | None) -> list[str]:
    """Return the URLs Twilio may have called: under the public base behind a proxy, else
    the request's own; and a municipality's own host name, which the public base does not
    name."""
    query = request.query_string.decode("latin-1")
    path = f"{request.script_root}{request.path}" + (f"?{query}" if query else "")
    own = f"{request.scheme}://{request.host}{path}"
    if not public_url:
        return [own]
    urls = [f"{public_url.rstrip('/')}{path}"]
    if runtime().tenants.by_host(request.host) is not None:
        urls.append(own)
    return urls


def is_signed(request: Request, auth_token: str, public_url: str | None) -> bool:
    """Tell whether the request carries a valid Twilio signature for its URL and form."""
    signature = request.headers.get(SIGNATURE_HEADER)
    if not signature:
        return False
    validator = RequestValidator(auth_token)
    urls = signed_urls(request, public_url)
    # `validate` accepts the signature of the URL without its port or of the URL with it,
    # and computes both every time. Twilio signs the first for every usual URL: check it
    # alone first; only a request it fails goes through the library's whole check.
    for url in urls:
        without_port = remove_port(urlparse(url))
        if compare(validator.compute_signature(without_port, request.form), signature):
            return True
    return any(validator.validate(url, request.form, signature) for url in urls)


def twilio_webhook(view: Callable[P, R]) -> Callable[P, R]:
    """Guard a Twilio webhook: 404 while Twilio is off, 403 to anything Twilio did not sign."""

    @functools.wraps(view)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        settings = runtime().settings
        if not settings.twilio_account_sid or not settings.twilio_auth_token:
            abort(404)
        if not is_signed(request, settings.twilio_auth_token, settings.public_url):
            log.warning("refused a Twilio webhook to %s without a valid signature", request.path)
            abort(403)
        # The number called or texted names the municipality (see `intake.tenants`); a
        # callback that carries no number names it in its signed address (`?tenant=`).
        tenants = runtime().tenants
        called = tenants.by_number(request.form.get("To")) or tenants.by_slug(
            request.args.get("tenant", "")
        )
        if called is not None:
            enter(called.id)
        return view(*args, **kwargs)

    return guarded
