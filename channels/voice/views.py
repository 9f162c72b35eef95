"""The Twilio Voice webhooks: the phone menu step by step, and the recording callback."""

from __future__ import annotations

import logging
from dataclasses import replace

from flask import Blueprint, Response, abort, request
from sqlalchemy.orm import Session
from twilio.twiml.voice_response import VoiceResponse

from channels.twilio.signature import twilio_webhook
from channels.voice import texts
from channels.voice.adapter import (
    COMPLETED,
    DEFAULT_LANGUAGE,
    LANGUAGE_DIGITS,
    VOICE,
    Call,
    Choices,
    MalformedCallError,
    Recording,
    caller_hash,
    is_hidden,
    to_inbound,
)
from channels.voice.dialogue import load_choices, open_consultations, save_choices
from intake import quotas
from intake.config import Quota, Settings
from intake.current import db_session, runtime
from intake.i18n import N_
from intake.models import utcnow
from intake.receive import receive

log = logging.getLogger("inspraak.voice")
blueprint = Blueprint("voice", __name__, url_prefix="/hooks/twilio")
MAX_TRIES = 3


def _url(step: str) -> str:
    # The same base the signature check uses, so Twilio's next request verifies.
    base = (
        runtime().settings.public_url or f"{request.scheme}://{request.host}{request.script_root}"
    )
    return f"{base}{blueprint.url_prefix}/{step}"


def _xml(response: VoiceResponse) -> Response:
    return Response(str(response), mimetype="text/xml")


def _call() -> Call:
    try:
        return Call.from_form(request.form)
    except MalformedCallError:
        abort(400)


@blueprint.post("/voice")
@twilio_webhook
def start() -> Response:
    """Greet the caller and ask for a language, unless they called too often already."""
    call = _call()
    settings = runtime().settings
    session = db_session()
    caller = caller_hash(settings.secret_key, call.caller)
    # Callers who hide their number all share Twilio's placeholder: no limit for them, or
    # one of them could use it up for all.
    if caller is not None and not is_hidden(call.caller):
        refused = _over_quota(session, settings, caller)
        if refused is not None:
            session.commit()
            return _xml(refused)
    choices = Choices(caller_hash=caller)
    save_choices(session, settings.secret_key, call.sid, "language", choices)
    session.commit()
    return _xml(texts.language_menu(_url("voice/language"), _url("voice/language")))


def _over_quota(session: Session, settings: Settings, caller: str) -> VoiceResponse | None:
    """Count the call; over the limit, the first call of the window hears why, later ones
    are rejected unanswered (free for the municipality, and for the caller)."""
    now = utcnow()
    usage = quotas.usage_of(session, VOICE, caller)
    verdict = quotas.judge(usage, settings.quota("calls", VOICE), Quota(), 0, now)
    quotas.record(session, VOICE, caller, verdict, now)
    if verdict.message:
        return None
    if verdict.notice:
        return texts.too_many_calls(verdict.window or quotas.DAY)
    return texts.reject()


@blueprint.post("/voice/language")
@twilio_webhook
def language() -> Response:
    """Take the language (no key pressed: Dutch), then the consultation or the question."""
    call = _call()
    if call.digits and call.digits not in LANGUAGE_DIGITS:
        return _xml(texts.language_menu(_url("voice/language"), _url("voice/language")))
    session = db_session()
    choices = load_choices(session, runtime().settings.secret_key, call.sid)
    chosen = LANGUAGE_DIGITS.get(call.digits, DEFAULT_LANGUAGE)
    return _next(session, call, replace(choices, language=chosen, tries=0), retry=False)


@blueprint.post("/voice/consultation")
@twilio_webhook
def consultation() -> Response:
    """Take the consultation's digit, or ask again (a few times) when it matches none."""
    call = _call()
    session = db_session()
    choices = load_choices(session, runtime().settings.secret_key, call.sid)
    return _next(session, call, replace(choices, tries=choices.tries + 1), retry=bool(call.digits))


def _next(session: Session, call: Call, choices: Choices, *, retry: bool) -> Response:
    secret = runtime().settings.secret_key
    consultations = open_consultations(session)
    chosen = None
    if len(consultations) == 1:
        chosen = consultations[0]
    elif call.digits and choices.tries:
        chosen = next((c for c in consultations if c.phone_digit == call.digits), None)
    if chosen is not None:
        choices = replace(choices, consultation_id=chosen.id)
        save_choices(session, secret, call.sid, "record", choices)
        session.commit()
        action, callback = _url("voice/done"), _url("recording")
        return _xml(texts.question_and_record(choices.language, chosen, action, callback))
    save_choices(session, secret, call.sid, "consultation", choices)
    session.commit()
    if not consultations:
        return _xml(texts.goodbye(choices.language, N_("Er loopt nu geen inspraak.")))
    if choices.tries >= MAX_TRIES:
        return _xml(texts.goodbye(choices.language, N_("Die keuze bestaat niet.")))
    menu = [c for c in consultations if c.phone_digit is not None]
    step = _url("voice/consultation")
    return _xml(texts.consultation_menu(choices.language, menu, step, step, retry=retry))


def _store(recording: Recording) -> tuple[Choices, str]:
    """Create the contribution for a recording once, whichever request comes first."""
    session = db_session()
    choices = load_choices(session, runtime().settings.secret_key, recording.call_sid)
    receipt = receive(session, to_inbound(recording, choices))
    session.commit()
    if receipt.created:
        log.info("voice contribution %s stored", receipt.id)
    return choices, receipt.reference


@blueprint.post("/voice/done")
@twilio_webhook
def done() -> Response:
    """Store the recording the caller just made and read out its reference."""
    try:
        recording = Recording.from_form(request.form)
    except MalformedCallError:
        call = _call()
        session = db_session()
        choices = load_choices(session, runtime().settings.secret_key, call.sid)
        return _xml(texts.goodbye(choices.language, N_("We hebben niets gehoord.")))
    choices, reference = _store(recording)
    return _xml(texts.thanks(choices.language, reference))


@blueprint.post("/recording")
@twilio_webhook
def recording_status() -> Response:
    """Store a finished recording (also when the caller hung up before the end)."""
    # "absent" and "failed" callbacks bring no file: there is nothing to keep.
    if request.form.get("RecordingStatus", COMPLETED) != COMPLETED:
        return Response(status=204)
    try:
        recording = Recording.from_form(request.form)
    except MalformedCallError:
        abort(400)
    _store(recording)
    return Response(status=204)
