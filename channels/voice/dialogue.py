"""What a phone call has chosen so far, kept under a keyed hash of its CallSid."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from channels.voice.adapter import DEFAULT_LANGUAGE, VOICE, Choices
from intake import consultations
from intake.hashing import keyed_hash
from intake.models import Consultation, ConversationState, utcnow

# Twilio keeps a call for at most four hours; a day leaves room for late callbacks.
REMEMBER = timedelta(days=1)


def call_key(secret: str, call_sid: str) -> str:
    """Return the keyed hash a call's state is stored under."""
    return keyed_hash(secret, "call", call_sid)


def load_choices(session: Session, secret: str, call_sid: str) -> Choices:
    """Return the call's choices so far, or the defaults for an unknown or expired call."""
    state = _state(session, call_key(secret, call_sid))
    if state is None or (state.expires_at is not None and state.expires_at <= utcnow()):
        return Choices()
    return Choices(
        language=state.language or DEFAULT_LANGUAGE,
        consultation_id=state.consultation_id,
        caller_hash=(state.data or {}).get("caller"),
        tries=int((state.data or {}).get("tries", 0)),
    )


def save_choices(session: Session, secret: str, call_sid: str, step: str, choices: Choices) -> None:
    """Remember the call's choices and the step it reached; flush, the view commits."""
    key = call_key(secret, call_sid)
    state = _state(session, key)
    if state is None:
        state = ConversationState(channel=VOICE, key_hash=key, data={})
        session.add(state)
    state.language = choices.language
    state.consultation_id = choices.consultation_id
    state.step = step
    state.data = {"caller": choices.caller_hash, "tries": choices.tries}
    state.updated_at = utcnow()
    state.expires_at = utcnow() + REMEMBER
    session.flush()


def open_consultations(session: Session) -> list[Consultation]:
    """Return the consultations a caller can speak to now, in menu-digit order."""
    return sorted(consultations.open_now(session), key=lambda c: (c.phone_digit or "~", c.id))


def _state(session: Session, key: str) -> ConversationState | None:
    return session.scalars(
        select(ConversationState).where(
            ConversationState.channel == VOICE, ConversationState.key_hash == key
        )
    ).first()
