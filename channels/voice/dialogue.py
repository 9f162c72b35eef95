"""Where a phone call stands: what the caller chose so far, and the menu they are offered."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy.orm import Session

from channels.voice.adapter import (
    DEFAULT_LANGUAGE,
    LANGUAGE_DIGITS,
    VOICE,
    Choices,
    Recording,
    to_inbound,
)
from intake import consultations, conversations, usage
from intake.hashing import keyed_hash
from intake.models import Consultation
from intake.receive import Receipt, receive

# Twilio keeps a call for at most four hours; a day leaves room for late callbacks.
REMEMBER = timedelta(days=1)


def call_key(secret: str, call_sid: str) -> str:
    """Return the keyed hash a call's state is stored under."""
    return keyed_hash(secret, "call", call_sid)


def load_choices(session: Session, secret: str, call_sid: str) -> Choices:
    """Return the call's choices so far, or the defaults for an unknown or expired call."""
    state = conversations.current(session, VOICE, call_key(secret, call_sid))
    if state is None:
        return Choices()
    return Choices(
        language=state.language or DEFAULT_LANGUAGE,
        consultation_id=state.consultation_id,
        caller_hash=(state.data or {}).get("caller"),
        tries=int((state.data or {}).get("tries", 0)),
    )


def save_choices(session: Session, secret: str, call_sid: str, step: str, choices: Choices) -> None:
    """Remember the call's choices and the step it reached; flush, the view commits."""
    conversations.keep(
        session,
        VOICE,
        call_key(secret, call_sid),
        language=choices.language,
        consultation_id=choices.consultation_id,
        step=step,
        data={"caller": choices.caller_hash, "tries": choices.tries},
        lasts=REMEMBER,
    )


def open_consultations(session: Session) -> list[Consultation]:
    """Return the consultations a caller can speak to now, in menu-digit order."""
    return sorted(consultations.open_now(session), key=lambda c: (c.phone_digit or "~", c.id))


def store_recording(session: Session, secret: str, recording: Recording) -> tuple[Choices, Receipt]:
    """Create the contribution for a recording once, whichever request comes first; flush."""
    choices = load_choices(session, secret, recording.call_sid)
    receipt = receive(session, to_inbound(recording, choices))
    if receipt.created and recording.duration_seconds:
        usage.count(session, usage.VOICE_SECONDS_IN, round(recording.duration_seconds))
    return choices, receipt


def remember_caller(session: Session, secret: str, call_sid: str, caller: str | None) -> None:
    """Keep who called (a keyed hash) for a call the menu could not note down."""
    if conversations.current(session, VOICE, call_key(secret, call_sid)) is None:
        save_choices(session, secret, call_sid, "language", Choices(caller_hash=caller))


def complete_choices(
    session: Session, secret: str, call_sid: str, language: str | None, caller: str | None
) -> None:
    """Fill in what a call kept through the database's absence did not note down.

    The menu then played without the database: the caller chose a language (carried in the
    recording's URL) but no consultation; with one consultation open, it is that one.
    """
    choices = load_choices(session, secret, call_sid)
    if choices.consultation_id is not None:
        return
    if language in LANGUAGE_DIGITS.values():
        choices = replace(choices, language=language)
    if choices.caller_hash is None:
        choices = replace(choices, caller_hash=caller)
    available = open_consultations(session)
    if len(available) == 1:
        choices = replace(choices, consultation_id=available[0].id)
    save_choices(session, secret, call_sid, "record", choices)
