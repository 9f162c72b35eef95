"""Sign-in throttling that slows a password guesser without locking the real person out.

Failed sign-ins are counted per network address, per account and address, and per
account. The per-account count, the one an attacker anywhere could use to lock a
colleague out, does not apply to a browser holding a valid device cookie of that account
(OWASP's "device cookies"): the browser the person signed in with before. Such a browser
has a count of its own instead. Successful sign-ins are taken back from every count.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass, field

from flask import g, request
from werkzeug.wrappers import Response

from admin.sessions import cookie_name, secure_cookies
from intake import ratelimit
from intake.db import Executor
from intake.models import StaffUser

WINDOW_SECONDS = 15 * 60
PER_ADDRESS = 20
PER_ACCOUNT_AND_ADDRESS = 5
PER_ACCOUNT = 10
PER_DEVICE = 10
DEVICE_COOKIE = "inspraak_device"
DEVICE_DAYS = 365


@dataclass(frozen=True)
class Device:
    """A browser an account signed in with before, known by its cookie's random part."""

    user_id: int
    nonce: str


@dataclass(frozen=True)
class Attempt:
    """One try to sign in: where from, which account, and whether from a known browser."""

    network: str
    email: str
    device: Device | None

    def counters(self) -> list[tuple[str, str, int]]:
        """Return the (scope, key, limit) counts this attempt goes through, in order."""
        if self.device is not None:
            return [("login-device", self.device.nonce, PER_DEVICE)]
        return [
            ("login-address", self.network, PER_ADDRESS),
            ("login-account-address", f"{self.email}|{self.network}", PER_ACCOUNT_AND_ADDRESS),
            ("login-account", self.email, PER_ACCOUNT),
        ]


@dataclass
class Verdict:
    """Whether an attempt may check its password; which counts it went through."""

    allowed: bool = True
    counted: list[tuple[str, str]] = field(default_factory=list)
    # The first refusal of a window is audited; the flood after it is not.
    first_refusal: bool = False


def network(address: str | None) -> str:
    """Return the network an address stands for: itself, or its /64 for IPv6."""
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return "unknown"
    if parsed.version == 6:
        # One subscriber has a whole /64: counting single addresses would count nothing.
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def admit(connection: Executor, secret: str, attempt: Attempt) -> Verdict:
    """Count the attempt; refuse it once one of its counts is over its limit."""
    verdict = Verdict()
    for scope, key, limit in attempt.counters():
        hits = ratelimit.hit(connection, secret, scope, key, WINDOW_SECONDS)
        verdict.counted.append((scope, key))
        if hits > limit:
            # Later counts are left alone: refused guesses from one address must not
            # add up to a lock on the account for everyone else.
            verdict.allowed = False
            verdict.first_refusal = hits == limit + 1
            break
    return verdict


def take_back(connection: Executor, secret: str, verdict: Verdict) -> None:
    """Take a successful sign-in back from the counts it went through."""
    for scope, key in verdict.counted:
        ratelimit.refund(connection, secret, scope, key)


def _signature(secret: str, user_id: int, nonce: str) -> str:
    message = f"device:{user_id}.{nonce}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def device_of_request(secret: str, user: StaffUser | None) -> Device | None:
    """Return the browser's device cookie when it is a valid one of `user`'s account."""
    value = request.cookies.get(cookie_name(DEVICE_COOKIE), "")
    user_id, _, rest = value.partition(".")
    nonce, _, signature = rest.partition(".")
    if user is None or not user_id.isdigit() or int(user_id) != user.id or not nonce:
        return None
    if not hmac.compare_digest(signature, _signature(secret, user.id, nonce)):
        return None
    return Device(user.id, nonce)


def remember_device(secret: str, user_id: int) -> None:
    """Have this response give the browser a fresh device cookie of `user_id`."""
    nonce = secrets.token_urlsafe(16)
    g.device_cookie = f"{user_id}.{nonce}.{_signature(secret, user_id, nonce)}"


def write_device_cookie(response: Response) -> Response:
    """Set the device cookie when the request asked for it."""
    value = g.pop("device_cookie", None)
    if value:
        # Sent only with same-site requests: it vouches for sign-ins typed on this site.
        response.set_cookie(
            cookie_name(DEVICE_COOKIE),
            value,
            max_age=DEVICE_DAYS * 24 * 3600,
            path="/",
            secure=secure_cookies(),
            httponly=True,
            samesite="Strict",
        )
    return response
