"""Check that a webhook comes from Telegram: the secret token it was given with setWebhook."""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import abort, request

from intake.current import runtime

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
P = ParamSpec("P")
R = TypeVar("R")


def telegram_webhook(view: Callable[P, R]) -> Callable[P, R]:
    """Guard a Telegram webhook: 404 while the bot is off, 403 without the secret token."""

    @functools.wraps(view)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        settings = runtime().tenant_settings()
        if not settings.telegram_bot_token:
            abort(404)
        expected = settings.telegram_webhook_secret or ""
        given = request.headers.get(SECRET_HEADER, "")
        if not expected or not hmac.compare_digest(expected.encode(), given.encode()):
            abort(403)
        return view(*args, **kwargs)

    return guarded
