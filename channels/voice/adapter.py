"""Twilio Voice webhook fields → a `Call` or `Recording`, and a recording → an `Inbound`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from intake.inbound import Inbound, JobRequest, Sender
from intake.models import TextOrigin

VOICE = "voice"
RECORDING_JOB = "voice.fetch_recording"
DELETE_JOB = "voice.delete_recording"
# A spoken answer to a closed question: brought home, then recognised among its options.
ANSWER_JOB = "voice.fetch_answer"
HEAR_JOB = "voice.hear_answer"
TRANSCRIBE_JOB = "transcription.transcribe"
LANGUAGE_DIGITS = {"1": "nl", "2": "fr", "3": "en"}
DEFAULT_LANGUAGE = "nl"
# The recording callback reports these once Twilio has a file (or knows it never will).
COMPLETED = "completed"
AWAITING_TRANSCRIPTION = "awaiting_transcription"
# Caller ID can be forged, so a caller is a resident of its own kind: the number's hash
# groups the calls that showed it, but never joins, changes or speaks for the resident who
# texts from that number, and nothing is ever sent because of a call.
CALLER = "caller"
# What Twilio puts in `From` when the caller's number is hidden (ANONYMOUS, RESTRICTED,
# UNKNOWN, BLOCKED spelled on a keypad): not one caller, but everyone who hides their number.
HIDDEN_NUMBERS = frozenset({"+266696687", "+7378742833", "+8656696", "+2562533"})


class MalformedCallError(Exception):
    """The webhook lacks the fields every Twilio call request has."""


@dataclass(frozen=True)
class Call:
    """One step of a phone call, as Twilio describes it."""

    sid: str
    caller: str
    digits: str

    @classmethod
    def from_form(cls, form: Mapping[str, str]) -> Call:
        """Read the call's sid, caller and pressed keys; raise MalformedCallError without sid."""
        sid = form.get("CallSid", "")
        if not sid:
            raise MalformedCallError("CallSid is required")
        return cls(sid=sid, caller=form.get("From", ""), digits=form.get("Digits", "").strip())


@dataclass(frozen=True)
class Recording:
    """A voicemail Twilio recorded, from the `<Record>` action or the status callback."""

    sid: str
    call_sid: str
    url: str
    duration_seconds: float | None
    status: str

    @classmethod
    def from_form(cls, form: Mapping[str, str]) -> Recording:
        """Read the recording fields; raise MalformedCallError without sids or URL."""
        sid, call_sid, url = (form.get(k, "") for k in ("RecordingSid", "CallSid", "RecordingUrl"))
        if not sid or not call_sid or not url:
            raise MalformedCallError("RecordingSid, CallSid and RecordingUrl are required")
        try:
            duration: float | None = float(form.get("RecordingDuration", ""))
        except ValueError:
            duration = None
        # The <Record> action carries no RecordingStatus: it only comes with a recording.
        return cls(sid, call_sid, url, duration, form.get("RecordingStatus") or COMPLETED)


@dataclass(frozen=True)
class Choices:
    """What the caller chose during the call, and who called, as a keyed hash."""

    language: str = DEFAULT_LANGUAGE
    consultation_id: int | None = None
    caller_hash: str | None = None
    tries: int = 0


def is_hidden(number: str) -> bool:
    """Tell whether the caller hid their number (Twilio's placeholders, or no number)."""
    return number in HIDDEN_NUMBERS or not any(c.isdigit() for c in number)


def caller_hash(secret: str, number: str) -> str | None:
    """Hash the caller's number as a phone number; no number is kept (a call gets no reply)."""
    if not number:
        return None
    return Sender.of(secret, "phone", number, may_reply=False, confirmed=False).address_hash


def to_inbound(recording: Recording, choices: Choices) -> Inbound:
    """Turn a recorded voicemail into the channel-neutral `Inbound`, downloaded by a job."""
    sender = Sender(CALLER, choices.caller_hash) if choices.caller_hash else None
    payload: dict[str, Any] = {"recording_sid": recording.sid, "url": recording.url}
    if recording.duration_seconds is not None:
        payload["duration_seconds"] = recording.duration_seconds
    return Inbound(
        channel=VOICE,
        language=choices.language,
        consultation_id=choices.consultation_id,
        channel_message_id=recording.sid,
        text_origin=TextOrigin.NONE,
        sender=sender,
        jobs=(JobRequest(RECORDING_JOB, payload),),
        needs_person_reason=AWAITING_TRANSCRIPTION,
    )
