"""Twilio's REST API through the twilio SDK, sent to the configured API root.

Shared by every channel Twilio carries (SMS, WhatsApp, voice): sending messages, deleting
media and recordings at Twilio, and the account's credentials for downloading them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from intake.config import Settings
from intake.errors import SafeError
from intake.jobs.download import Remote
from intake.outbound import NotSentError, RecipientGoneError
from intake.runtime import Runtime

TWILIO_API = "https://api.twilio.com"
TIMEOUT_SECONDS = 30
# Twilio error codes that no retry can fix: an opted-out, invalid or unreachable recipient.
RECIPIENT_GONE = {21211, 21214, 21610, 21612, 21614, 63003}
WHATSAPP_PREFIX = "whatsapp:"
# When asking whether a reply went out: how many recent messages to the resident to read,
# and how far Twilio's clock may be behind ours.
LOOK_BACK_MESSAGES = 50
CLOCK_SKEW = timedelta(minutes=5)


class TwilioNotConfiguredError(SafeError):
    """Twilio credentials or the sending number are missing from the settings."""


class TwilioError(SafeError):
    """Twilio refused or failed a request; the message gives its HTTP status and error code."""

    @classmethod
    def of(cls, error: TwilioRestException) -> TwilioError:
        """Keep Twilio's status and code, not its message (it may repeat what was sent)."""
        return cls(f"Twilio answered HTTP {error.status}, error {error.code}")


class TwilioRefusedError(TwilioError, NotSentError):
    """Twilio answered a send with an error: the message was not created."""


class RootedHttpClient(TwilioHttpClient):
    """The SDK's HTTP client, with requests for api.twilio.com sent to another root."""

    def __init__(self, api_base: str) -> None:
        super().__init__(timeout=TIMEOUT_SECONDS)
        self.api_base = api_base.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        """Send the SDK's request to the configured root instead of Twilio's own."""
        if url.startswith(TWILIO_API + "/"):
            url = self.api_base + url[len(TWILIO_API) :]
        return super().request(method, url, *args, **kwargs)

    def close(self) -> None:
        """Close the pooled connections."""
        if self.session is not None:
            self.session.close()


@contextmanager
def twilio_client(settings: Settings) -> Iterator[Client]:
    """Yield an SDK client for the account, talking to `TWILIO_API_BASE`; close it after."""
    if not settings.twilio_account_sid or not settings.twilio_auth_token:
        raise TwilioNotConfiguredError("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not set")
    http = RootedHttpClient(settings.twilio_api_base)
    try:
        yield Client(
            settings.twilio_account_sid,
            settings.twilio_auth_token,
            http_client=http,
            environment={},
        )
    finally:
        http.close()


def _origin(runtime: Runtime) -> str:
    # A municipality of a shared installation answers from its own first number.
    origin = runtime.tenant_settings().twilio_from_number
    if origin is None:
        raise TwilioNotConfiguredError("TWILIO_FROM_NUMBER is not set")
    return origin


def send_message(runtime: Runtime, to: str, body: str, *, whatsapp: bool = False) -> str:
    """Send `body` to a number by SMS or on WhatsApp; return Twilio's message sid."""
    settings = runtime.settings
    origin = _origin(runtime)
    prefix = WHATSAPP_PREFIX if whatsapp else ""
    sender = (
        {"messaging_service_sid": origin} if origin.startswith("MG") else {"from_": prefix + origin}
    )
    with twilio_client(settings) as client:
        try:
            message = client.messages.create(
                to=prefix + to.removeprefix(WHATSAPP_PREFIX), body=body, **sender
            )
        except TwilioRestException as error:
            if error.code in RECIPIENT_GONE:
                raise RecipientGoneError(f"Twilio error {error.code}") from None
            raise TwilioRefusedError.of(error) from None
    return str(message.sid)


def find_sent_message(
    runtime: Runtime, to: str, body: str, since: datetime, *, whatsapp: bool = False
) -> str | None:
    """Return the sid of a message with `body` sent to `to` from our number since `since`.

    Reads the account's Messages list filtered by To (and From, unless a Messaging Service
    sends), newest first, and matches the body and the creation time. A retry calls this
    before sending again, so that a send whose answer was lost is not repeated.
    """
    settings = runtime.settings
    origin = _origin(runtime)
    prefix = WHATSAPP_PREFIX if whatsapp else ""
    sender = {} if origin.startswith("MG") else {"from_": prefix + origin}
    earliest = since - CLOCK_SKEW
    with twilio_client(settings) as client:
        try:
            sent = client.messages.list(
                to=prefix + to.removeprefix(WHATSAPP_PREFIX),
                limit=LOOK_BACK_MESSAGES,
                page_size=LOOK_BACK_MESSAGES,
                **sender,
            )
        except TwilioRestException as error:
            raise TwilioError.of(error) from None
    for message in sent:
        created = message.date_created
        if message.body == body and (created is None or created >= earliest):
            return str(message.sid)
    return None


# A message's media item, as Twilio's webhook names it (the MediaUrl of an MMS or WhatsApp).
MEDIA_PATH = re.compile(
    r"/2010-04-01/Accounts/(AC[0-9a-fA-F]{32})/Messages/([MS]M[0-9a-fA-F]{32})"
    r"/Media/(ME[0-9a-fA-F]{32})$"
)


@dataclass(frozen=True)
class MediaAtTwilio:
    """Where a message's media item lives at Twilio: its message and media sids."""

    message_sid: str
    media_sid: str

    @classmethod
    def of(cls, url: str, account_sid: str | None) -> MediaAtTwilio | None:
        """Read the sids from a MediaUrl of our own account; None for any other URL."""
        found = MEDIA_PATH.search(urlsplit(url).path)
        if found is None or found.group(1) != account_sid:
            return None
        return cls(found.group(2), found.group(3))


def delete_message_media(settings: Settings, media: MediaAtTwilio) -> None:
    """Delete a media item at Twilio; one already gone counts as deleted."""
    with twilio_client(settings) as client:
        try:
            client.messages(media.message_sid).media(media.media_sid).delete()
        except TwilioRestException as error:
            if error.status != 404:
                raise TwilioError.of(error) from None


def delete_recording(settings: Settings, recording_sid: str) -> None:
    """Delete a recording at Twilio; one already gone counts as deleted."""
    with twilio_client(settings) as client:
        try:
            client.recordings(recording_sid).delete()
        except TwilioRestException as error:
            if error.status != 404:
                raise TwilioError.of(error) from None


def remote(settings: Settings, url: str, max_bytes: int) -> Remote:
    """Describe a message's media item or a recording for download with the account's key."""
    auth = (
        (settings.twilio_account_sid, settings.twilio_auth_token)
        if settings.twilio_account_sid and settings.twilio_auth_token
        else None
    )
    return Remote(url, max_bytes, auth)
