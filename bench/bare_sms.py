"""The SMS baseline: a bare Flask handler that checks Twilio's signature and inserts once."""

from __future__ import annotations

import os
import sqlite3
import threading

from flask import Flask, request
from twilio.request_validator import RequestValidator

DATABASE = os.environ.get("BARE_DATABASE", "/tmp/bare-sms.db")
PUBLIC_URL = os.environ.get("INSPRAAK_PUBLIC_URL", "")
VALIDATOR = RequestValidator(os.environ.get("TWILIO_AUTH_TOKEN", ""))
TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>ok</Message></Response>'
app = Flask(__name__)
_local = threading.local()


def _connection() -> sqlite3.Connection:
    if not hasattr(_local, "connection"):
        connection = sqlite3.connect(DATABASE, timeout=30, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS message "
            "(id INTEGER PRIMARY KEY, sid TEXT UNIQUE, body TEXT)"
        )
        _local.connection = connection
    return _local.connection  # type: ignore[no-any-return]


@app.post("/hooks/twilio/sms")
def incoming() -> tuple[str, int, dict[str, str]]:
    """Check the signature, store the message once (a retry inserts nothing), answer TwiML."""
    signature = request.headers.get("X-Twilio-Signature", "")
    if not VALIDATOR.validate(PUBLIC_URL + request.path, request.form, signature):
        return "forbidden", 403, {}
    _connection().execute(
        "INSERT OR IGNORE INTO message (sid, body) VALUES (?, ?)",
        (request.form["MessageSid"], request.form.get("Body", "")),
    )
    return TWIML, 200, {"Content-Type": "text/xml"}


@app.get("/healthz")
def health() -> str:
    """Answer the start-up probe."""
    return "ok"
