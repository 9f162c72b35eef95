"""Where a phone call stands: what the caller chose so far, and the menu they are offered."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from channels.voice.adapter import DEFAULT_LANGUAGE, VOICE, Choices
from intake import consultations, conversations
from intake.hashing import keyed_hash
from intake.models import Consultation

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
