"""A fake Twilio on 127.0.0.1 (Messages API, media, recordings) and webhook signing helpers.

The fake speaks Twilio's wire protocol: form-encoded POSTs under
`/2010-04-01/Accounts/{AccountSid}/…`, HTTP Basic auth with the account's credentials,
JSON answers shaped like Twilio's. Point `TWILIO_API_BASE` at `FakeTwilio.base_url`.
"""

from __future__ import annotations

import json
import secrets
import threading
import urllib.parse
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from twilio.request_validator import RequestValidator

from tests.support.http import FakeServer, Recorded, Reply, fake_server

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "f" * 32
OUR_NUMBER = "+3225550100"
API_VERSION = "2010-04-01"


def new_sid(prefix: str) -> str:
    """Return a random Twilio-style sid (`SM…`, `MM…`, `RE…`, `ME…`)."""
    return prefix + secrets.token_hex(16)


def sign(url: str, params: Mapping[str, str], token: str = AUTH_TOKEN) -> str:
    """Compute `X-Twilio-Signature` for a webhook to `url` with form `params`."""
    return str(RequestValidator(token).compute_signature(url, dict(params)))


def message_params(
    body: str = "",
    *,
    number: str = "+32470123456",
    sid: str | None = None,
    media: Sequence[tuple[str, str]] = (),
    whatsapp: bool = False,
    profile_name: str = "Resident",
    account_sid: str = ACCOUNT_SID,
) -> dict[str, str]:
    """Build the form fields of Twilio's Messaging webhook for one incoming message."""
    prefix = "whatsapp:" if whatsapp else ""
    sid = sid or new_sid("MM" if media else "SM")
    params = {
        "ToCountry": "BE",
        "ToState": "",
        "SmsMessageSid": sid,
        "NumMedia": str(len(media)),
        "ToCity": "",
        "FromZip": "",
        "SmsSid": sid,
        "FromState": "",
        "SmsStatus": "received",
        "FromCity": "",
        "Body": body,
        "FromCountry": "BE",
        "To": prefix + OUR_NUMBER,
        "ToZip": "",
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": account_sid,
        "From": prefix + number,
        "ApiVersion": API_VERSION,
    }
    if whatsapp:  # WhatsApp adds the sender's profile name and number without "+"
        params["ProfileName"] = profile_name
        params["WaId"] = number.removeprefix("+")
    for index, (url, content_type) in enumerate(media):
        params[f"MediaUrl{index}"] = url
        params[f"MediaContentType{index}"] = content_type
    return params


def _error(status: int, code: int, message: str) -> Reply:
    body = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    return Reply(status, json.dumps(body).encode(), {"Content-Type": "application/json"})


@dataclass
class FakeTwilio:
    """One Twilio account: accepts messages, serves media and recordings, deletes both."""

    server: FakeServer
    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    messages: list[dict[str, str]] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    deleted_media: list[str] = field(default_factory=list)
    failures: list[Reply] = field(default_factory=list)
    # Every message created, as the Messages API shows it (newest last).
    resources: list[dict[str, object]] = field(default_factory=list)
    answers_lost: int = 0
    held: threading.Event | None = None

    @property
    def base_url(self) -> str:
        """Return the root to put in `TWILIO_API_BASE`."""
        return self.server.base_url

    @property
    def account_path(self) -> str:
        """Return `/2010-04-01/Accounts/{AccountSid}`."""
        return f"/{API_VERSION}/Accounts/{self.account_sid}"

    @property
    def requests(self) -> list[Recorded]:
        """Return every request the fake received, in order."""
        return self.server.requests

    def env(self, **extra: str) -> dict[str, str]:
        """Return the settings that point Inspraak at this fake account."""
        return {
            "TWILIO_ACCOUNT_SID": self.account_sid,
            "TWILIO_AUTH_TOKEN": self.auth_token,
            "TWILIO_API_BASE": self.base_url,
            "TWILIO_FROM_NUMBER": OUR_NUMBER,
            "INSPRAAK_MEDIA_HOSTS": "http://127.0.0.1",  # the fake serves plain http
            **extra,
        }

    def fail_next(self, status: int = 500, code: int = 20500, times: int = 1) -> None:
        """Answer the next `times` Messages API calls with a Twilio error."""
        self.failures.extend(_error(status, code, "Internal Server Error") for _ in range(times))

    def lose_next_answers(self, times: int = 1) -> None:
        """Create the next `times` messages but close the connection without answering."""
        self.answers_lost += times

    def hold_answers(self) -> threading.Event:
        """Create messages but answer only once the returned event is set."""
        self.held = threading.Event()
        return self.held

    def _authorised(self, request: Recorded) -> bool:
        return request.basic_auth == (self.account_sid, self.auth_token)

    def _create_message(self, request: Recorded) -> Reply:
        if not self._authorised(request):
            return _error(401, 20003, "Authenticate")
        if self.failures:
            return self.failures.pop(0)
        form = dict(urllib.parse.parse_qsl(request.body.decode(), keep_blank_values=True))
        if "To" not in form or not ("From" in form or "MessagingServiceSid" in form):
            return _error(400, 21604, "A 'To' phone number is required.")
        sid = new_sid("SM")
        self.messages.append(form)
        now = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
        answer: dict[str, object] = {
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "body": form.get("Body", ""),
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "num_media": "0",
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "accepted" if "MessagingServiceSid" in form else "queued",
            "subresource_uris": {"media": f"{self.account_path}/Messages/{sid}/Media.json"},
            "to": form["To"],
            "uri": f"{self.account_path}/Messages/{sid}.json",
        }
        self.resources.append(answer)
        if self.held is not None:
            self.held.wait(30)
        if self.answers_lost:
            self.answers_lost -= 1
            return Reply(lost=True)
        return Reply(201, json.dumps(answer).encode(), {"Content-Type": "application/json"})

    def _list_messages(self, request: Recorded) -> Reply:
        """`GET …/Messages.json?To=…&From=…&PageSize=…`: newest first, one page."""
        if not self._authorised(request):
            return _error(401, 20003, "Authenticate")
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(request.path).query))
        size = int(query.get("PageSize", "50"))
        found = [
            message
            for message in reversed(self.resources)
            if all(query[name] == message[name.lower()] for name in ("To", "From") if name in query)
        ][:size]
        uri = f"{self.account_path}/Messages.json?PageSize={size}&Page=0"
        page = {
            "end": max(len(found) - 1, 0),
            "first_page_uri": uri,
            "messages": found,
            "next_page_uri": None,
            "page": 0,
            "page_size": size,
            "previous_page_uri": None,
            "start": 0,
            "uri": uri,
        }
        return Reply(200, json.dumps(page).encode(), {"Content-Type": "application/json"})

    def add_media(self, body: bytes, content_type: str = "image/jpeg") -> str:
        """Serve a message's media item (Basic auth required, like HTTP auth on media).

        `DELETE …/Messages/{MessageSid}/Media/{MediaSid}.json` deletes it: 204, then 404
        for the item and for another DELETE, as Twilio answers.
        """
        media_sid = new_sid("ME")
        path = f"{self.account_path}/Messages/{new_sid('MM')}/Media/{media_sid}"
        self._serve(path, body, content_type, media_sid)

        def delete(request: Recorded) -> Reply:
            if not self._authorised(request):
                return _error(401, 20003, "Authenticate")
            if media_sid in self.deleted_media:
                return _error(404, 20404, "The requested resource was not found")
            self.deleted_media.append(media_sid)
            return Reply(204)

        self.server.route("DELETE", path + ".json", delete)
        return self.base_url + path

    def add_recording(self, body: bytes, content_type: str = "audio/x-wav") -> tuple[str, str]:
        """Serve a recording (`RecordingUrl`, also with `.wav`); return its sid and URL."""
        sid = new_sid("RE")
        path = f"{self.account_path}/Recordings/{sid}"
        self._serve(path, body, content_type)
        self._serve(path + ".wav", body, content_type)

        def delete(request: Recorded) -> Reply:
            if not self._authorised(request):
                return _error(401, 20003, "Authenticate")
            if sid in self.deleted:
                return _error(404, 20404, "The requested resource was not found")
            self.deleted.append(sid)
            return Reply(204)

        self.server.route("DELETE", path + ".json", delete)
        return sid, self.base_url + path

    def _serve(self, path: str, body: bytes, content_type: str, media_sid: str = "") -> None:
        def answer(request: Recorded) -> Reply:
            if not self._authorised(request):
                return _error(401, 20003, "Authenticate")
            gone = media_sid in self.deleted_media
            if gone or any(
                path.startswith(f"{self.account_path}/Recordings/{s}") for s in self.deleted
            ):
                return _error(404, 20404, "The requested resource was not found")
            return Reply(200, body, {"Content-Type": content_type})

        self.server.route("GET", path, answer)


@contextmanager
def fake_twilio(
    account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN
) -> Iterator[FakeTwilio]:
    """Run a fake Twilio account on a free port of 127.0.0.1 for the block."""
    with fake_server() as server:
        fake = FakeTwilio(server, account_sid, auth_token)
        server.route("POST", f"{fake.account_path}/Messages.json", fake._create_message)
        server.route("GET", f"{fake.account_path}/Messages.json", fake._list_messages)
        yield fake
