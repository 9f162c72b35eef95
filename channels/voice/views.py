"""The Twilio Voice webhooks: the phone menu step by step, and the recording callback.

When the database cannot answer, the call goes on without it: the menu offers the language,
then records a message without reading a question (the language rides along in the URLs
Twilio calls next), and what must be stored is spooled (`intake.spool`): the caller's number
as a keyed hash, and the recording. `replay` stores them once the database is back, creating
the voicemail contribution and its download job as the live path does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, request
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from twilio.twiml.voice_response import VoiceResponse

from channels.twilio.signature import twilio_webhook
from channels.voice import closed, texts
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
)
from channels.voice.dialogue import (
    call_key,
    complete_choices,
    load_choices,
    open_consultations,
    remember_caller,
    save_choices,
    store_recording,
)
from intake import quotas
from intake.config import Quota, Settings
from intake.current import db_session, runtime
from intake.db import UNAVAILABLE
from intake.errors import describe
from intake.i18n import N_
from intake.models import utcnow
from intake.receive import Receipt
from intake.runtime import Runtime
from intake.spool import Entry
from intake.tenancy import current_tenant_id

log = logging.getLogger("inspraak.voice")
blueprint = Blueprint("voice", __name__, url_prefix="/hooks/twilio")
MAX_TRIES = 3
# What a replay reads of a spooled request (the caller's number goes as its hash).
SPOOLED_FIELDS = frozenset(
    {"CallSid", "RecordingSid", "RecordingUrl", "RecordingDuration", "RecordingStatus"}
)


def _url(step: str, language: str | None = None) -> str:
    # The same base the signature check uses, so Twilio's next request verifies.
    base = (
        runtime().settings.public_url or f"{request.scheme}://{request.host}{request.script_root}"
    )
    query = {"language": language} if language else {}
    tenant = runtime().tenants.get(current_tenant_id())
    if not tenant.is_default:
        # Twilio's recording callback does not say which number was called: the (signed)
        # address names the municipality instead.
        query["tenant"] = tenant.slug
    return f"{base}{blueprint.url_prefix}/{step}" + (f"?{urlencode(query)}" if query else "")


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
    try:
        return _start(call)
    except UNAVAILABLE as error:
        _spool(call.sid, "call", error)
    return _xml(texts.language_menu(_url("voice/language"), _url("voice/language")))


def _start(call: Call) -> Response:
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
    chosen = LANGUAGE_DIGITS.get(call.digits, DEFAULT_LANGUAGE)
    try:
        session = db_session()
        choices = load_choices(session, runtime().settings.secret_key, call.sid)
        return _next(session, call, replace(choices, language=chosen, tries=0), retry=False)
    except UNAVAILABLE as error:
        log.warning("call menu without the database (%s)", describe(error))
    return _record_only(chosen)


@blueprint.post("/voice/consultation")
@twilio_webhook
def consultation() -> Response:
    """Take the consultation's digit, or ask again (a few times) when it matches none."""
    call = _call()
    try:
        session = db_session()
        choices = load_choices(session, runtime().settings.secret_key, call.sid)
        tries = choices.tries + 1
        return _next(session, call, replace(choices, tries=tries), retry=bool(call.digits))
    except UNAVAILABLE as error:
        log.warning("call menu without the database (%s)", describe(error))
    return _record_only(_language())


def _language() -> str:
    """Return the language a URL of the menu carries, for a step without the database."""
    given = request.args.get("language", "")
    return given if given in LANGUAGE_DIGITS.values() else DEFAULT_LANGUAGE


def _record_only(language: str) -> Response:
    action, callback = _url("voice/done", language), _url("recording", language)
    return _xml(texts.record_only(language, action, callback))


def _spool(message_id: str, step: str, error: DBAPIError) -> None:
    """Keep a request the database could not take, for `replay`; raise OSError if it cannot.

    Only what the replay needs: the caller's number as its keyed hash, never in clear.
    """
    log.warning("call %s spooled: database unavailable (%s)", step, describe(error))
    number = request.form.get("From", "")
    payload = {
        "step": step,
        "language": _language(),
        "caller": caller_hash(runtime().settings.secret_key, number) if number else None,
        "form": {k: v for k, v in request.form.items() if k in SPOOLED_FIELDS},
    }
    runtime().spool.put(Entry(VOICE, message_id, payload, sender=payload["caller"]))


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
        action, callback = _url("voice/done", choices.language), _url("recording")
        return _xml(texts.question_and_record(choices.language, chosen, action, callback))
    save_choices(session, secret, call.sid, "consultation", choices)
    session.commit()
    if not consultations:
        return _xml(texts.goodbye(choices.language, N_("Er loopt nu geen inspraak.")))
    if choices.tries >= MAX_TRIES:
        return _xml(texts.goodbye(choices.language, N_("Die keuze bestaat niet.")))
    menu = [c for c in consultations if c.phone_digit is not None]
    step = _url("voice/consultation", choices.language)
    return _xml(texts.consultation_menu(choices.language, menu, step, step, retry=retry))


def _store(recording: Recording) -> tuple[Choices, Receipt]:
    """Create the contribution for a recording once, whichever request comes first."""
    session = db_session()
    choices, receipt = store_recording(session, runtime().settings.secret_key, recording)
    session.commit()
    if receipt.created:
        log.info("voice contribution %s stored", receipt.id)
    return choices, receipt


@blueprint.post("/voice/done")
@twilio_webhook
def done() -> Response:
    """Store the recording the caller just made and read out its reference."""
    try:
        recording = Recording.from_form(request.form)
    except MalformedCallError:
        call = _call()
        try:
            choices = load_choices(db_session(), runtime().settings.secret_key, call.sid)
            language = choices.language
        except UNAVAILABLE:
            language = _language()
        return _xml(texts.goodbye(language, N_("We hebben niets gehoord.")))
    try:
        choices, receipt = _store(recording)
        session = db_session()
        key_hash = call_key(runtime().settings.secret_key, recording.call_sid)
        step = closed.begin(session, key_hash, choices.consultation_id, receipt)
        session.commit()
    except UNAVAILABLE as error:
        _spool(recording.sid, "recording", error)
        return _xml(texts.kept(_language()))
    return _ask(choices.language, step, receipt.reference, first=True)


def _ask(language: str, step: closed.Step, reference: str, *, first: bool = False) -> Response:
    """Ask the step's question, or thank the caller with their reference and hang up."""
    if step.question is None:
        return _xml(texts.thanks(language, reference))
    on_key = on_silence = _url("voice/answer", language)
    urls = (on_key, _url("voice/spoken", language), on_silence)
    place = (step.number, step.total)
    return _xml(texts.ask(language, step.question, place, urls, first=first, retry=step.retry))


@blueprint.post("/voice/answer")
@twilio_webhook
def answer() -> Response:
    """Take the key pressed for a closed question; no key means the caller said nothing."""
    call = _call()
    if call.digits:
        return _answering(call, partial(closed.pressed, digits=call.digits))
    return _answering(call, closed.silent)


@blueprint.post("/voice/spoken")
@twilio_webhook
def spoken() -> Response:
    """Take a spoken answer's recording, to be recognised later; ask the next question."""
    call = _call()
    try:
        recording = Recording.from_form(request.form)
    except MalformedCallError:
        return _answering(call, closed.silent)
    language = _language()
    return _answering(call, partial(closed.spoken, recording=recording, language=language))


def _answering(call: Call, take: Callable[..., closed.Step]) -> Response:
    """Load where the call stands in its questions, `take` the answer, say what follows."""
    try:
        session = db_session()
        secret = runtime().settings.secret_key
        choices = load_choices(session, secret, call.sid)
        key_hash = call_key(secret, call.sid)
        state, asked = closed.load(session, key_hash)
        if state is None:
            return _xml(texts.kept(choices.language))
        step = take(session, key_hash, state, asked)
        session.commit()
    except UNAVAILABLE as error:
        log.warning("call questions without the database (%s)", describe(error))
        return _xml(texts.kept(_language()))
    return _ask(choices.language, step, state.reference)


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
    try:
        _store(recording)
    except UNAVAILABLE as error:
        _spool(recording.sid, "recording", error)
    return Response(status=204)


def replay(rt: Runtime, entry: Entry) -> None:
    """Store what a call spooled as the webhooks would have: who called, or the recording."""
    form, caller = entry.payload["form"], entry.payload["caller"]
    secret = rt.settings.secret_key
    with rt.db.session() as session:
        if entry.payload["step"] == "call":
            remember_caller(session, secret, Call.from_form(form).sid, caller)
        else:
            recording = Recording.from_form(form)
            language = entry.payload["language"]
            complete_choices(session, secret, recording.call_sid, language, caller)
            _, receipt = store_recording(session, secret, recording)
            if receipt.created:
                log.info("voice contribution %s stored from the spool", receipt.id)
        session.commit()
