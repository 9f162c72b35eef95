"""Protective headers on every response: content policy, framing, sniffing, referrer, HSTS."""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from collections.abc import Callable

from flask import Flask, request
from jinja2 import Environment
from werkzeug.wrappers import Response

from intake.branding import accent_source
from intake.config import Settings
from intake.tenancy import current_tenant_id

STYLE_ELEMENT = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)
TEMPLATE_SYNTAX = ("{{", "{%", "{#")
HSTS = "max-age=31536000"


class DynamicStyleError(Exception):
    """A template's inline <style> holds template code, so no hash can allow it."""


def style_hashes(env: Environment) -> list[str]:
    """Return the CSP source of every inline <style> in the app's templates, by its hash.

    Pages inline their CSS to arrive in one round trip. Allowing each stylesheet by its
    hash instead of 'unsafe-inline' means injected markup can style nothing; it works
    because the stylesheets are static, which this checks.
    """
    assert env.loader is not None
    sources: set[str] = set()
    for name in sorted(env.list_templates(extensions=["html"])):
        text, _filename, _uptodate = env.loader.get_source(env, name)
        # Jinja reads templates with \n line ends; the browser hashes what it was sent.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        for css in STYLE_ELEMENT.findall(text):
            if any(marker in css for marker in TEMPLATE_SYNTAX):
                raise DynamicStyleError(
                    f"the <style> in template {name} holds template code; "
                    "keep inline styles static so the Content-Security-Policy can allow them"
                )
            digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
            sources.add(f"'sha256-{digest}'")
    return sorted(sources)


def content_policy(styles: list[str]) -> str:
    """Return the Content-Security-Policy: no script anywhere, only the pages' own styles."""
    directives = [
        "default-src 'none'",
        "style-src " + (" ".join(styles) or "'none'"),
        # Scans, recordings and the browser's favicon request come from this site alone.
        "img-src 'self'",
        "media-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
    return "; ".join(directives)


def protective_headers(app: Flask, settings: Settings) -> Callable[[Response], Response]:
    """Build the after-request hook that puts the headers on every response of `app`.

    Call it once every blueprint is registered: the policy hashes their templates' styles.
    A view that sets a stricter header of its own (originals sent to staff) keeps it.
    """
    styles = style_hashes(app.jinja_env)
    tenants = app.extensions["inspraak"].tenants

    @functools.lru_cache(maxsize=256)
    def policy(accent: str) -> str:
        # The pages' static styles, and the one line giving this municipality its colour.
        return content_policy([*styles, accent_source(accent)])

    headers = (
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        # /r/<reference> and staff addresses must never reach another site.
        ("Referrer-Policy", "no-referrer"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
    )
    always_https = (settings.public_url or "").startswith("https:")

    def protect(response: Response) -> Response:
        accent = tenants.get(current_tenant_id()).accent
        response.headers.setdefault("Content-Security-Policy", policy(accent))
        for name, value in headers:
            response.headers.setdefault(name, value)
        # request.is_secure follows X-Forwarded-Proto only from the trusted proxies.
        if always_https or request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response

    return protect
