"""Answer one incoming text: decide with reads only, write what was decided, then reply.

Deciding before the write keeps the write short: SQLite takes one writer at a time, and
under load the writes of several messages share one transaction (see `Database.write`).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update

from channels.sms import closed, texts
from channels.sms.adapter import PHONE, SMS, MediaItem, TwilioMessage, sender_of, to_inbound
from channels.sms.keywords import Action, Command, by_keyword, open_keywords, parse
from channels.sms.segments import segments
from intake import questions, quotas, usage
from intake.config import Settings
from intake.consultations import listed
from intake.conversations import Resident, find_resident, remember
from intake.db import Database, Executor
from intake.db.prepared import Prepared
from intake.hashing import keyed_hash
from intake.i18n import using_language
from intake.inbound import Inbound, Sender
from intake.language import detect
from intake.models import ClosedQuestion, Consultation, Contribution, Contributor, utcnow
from intake.receive import receive, upsert_contributor
from intake.tenancy import current_tenant_id

_STORED = Prepared(
    select(Contribution.reference, Contribution.language).where(
        Contribution.channel == bindparam("channel"),
        Contribution.channel_message_id == bindparam("sid"),
    )
)
_LANGUAGE = Prepared(select(Contribution.language).where(Contribution.id == bindparam("id")))
_STATUS = Prepared(
    select(Contribution.status, Contributor.address_hash)
    .join(Contributor, Contribution.contributor_id == Contributor.id)
    .where(
        Contribution.reference == bindparam("reference"),
        Contribution.tenant_id == bindparam("tenant"),
    )
)
_CONTRIBUTOR = Prepared(
    select(Contribution.contributor_id).where(Contribution.id == bindparam("id"))
)
# Words that came with an answer to a closed question join the contribution's text.
_ADD_TEXT = Prepared(
    update(Contribution)
    .where(Contribution.id == bindparam("id"))
    .values(text=Contribution.text + "\n" + bindparam("more"))
)
_OPT_IN = Prepared(
    update(Contributor).where(Contributor.id == bindparam("id")).values(opted_out=False)
)
# Opting out also forgets the number and every wish for updates.
_OPT_OUT = Prepared(
    update(Contributor)
    .where(Contributor.id == bindparam("id"))
    .values(opted_out=True, address=None, wants_updates=False)
)


@dataclass(frozen=True)
class Reply:
    """What to text back, and in which language it is written."""

    language: str
    text: str


@dataclass(frozen=True)
class Stored:
    """The contribution a message became, and the language it was thanked in."""

    reference: str
    language: str
    new: bool = True


@dataclass(frozen=True)
class OptOut:
    """A STOP (opted_out) or START from a number, in the language it was written in."""

    sender: Sender
    language: str
    opted_out: bool


@dataclass(frozen=True)
class Counted:
    """What of a message counts against the sender's quota, judged at `at`."""

    channel: str
    key_hash: str
    verdict: quotas.Verdict
    at: datetime

    @property
    def writes(self) -> bool:
        """Tell whether counting it changes the database."""
        messages, media = self.verdict.counted
        return bool(messages or media or self.verdict.notice)


@dataclass
class Plan:
    """What answering a message takes: a reply, and what to write first.

    `files_refused` names the window whose limit refused some of the message's media,
    when the sender is to be told (once a window) together with their reference.
    """

    reply: Reply | None = None
    inbound: Inbound | None = None
    remember: Resident | None = None
    opt_out: OptOut | None = None
    silent: bool = False
    retry: bool = False
    counted: Counted | None = None
    files_refused: str | None = None
    # Closed questions: the first to ask once the contribution is stored (with all of
    # them), or the answers a reply gave.
    ask: tuple[list[ClosedQuestion], ClosedQuestion] | None = None
    answering: closed.Answering | None = None
    # SMS segments received, counted with what the message writes, and the reply's sent.
    segments: int = 0

    @property
    def writes(self) -> bool:
        """Tell whether carrying out the plan changes the database."""
        remembering = self.remember is not None and self.remember.unsaved
        counting = self.counted is not None and self.counted.writes
        stores = self.inbound is not None or self.answering is not None
        metering = self.segments > 0
        return stores or self.opt_out is not None or remembering or counting or metering


def _say(language: str, make: Callable[..., str], *args: Any) -> Reply:
    with using_language(language) as spoken:
        return Reply(spoken, make(*args))


def decide(session: Executor, message: TwilioMessage, settings: Settings) -> Plan:
    """Read what is needed to answer `message` and return the plan; writes nothing."""
    key = keyed_hash(settings.secret_key, PHONE, message.number)
    resident = find_resident(session, message.channel, PHONE, key)
    command = parse(message.body)
    if command.action in (Action.START, Action.STOP):
        language = resident.language = command.language_hint or resident.last_language
        opting_out = command.action is Action.STOP
        sender = sender_of(message, resident.key_hash, may_reply=not opting_out)
        answer = texts.stopped if opting_out else texts.started
        plan = Plan(
            _say(language, answer),
            remember=resident,
            opt_out=OptOut(sender, language, opting_out),
        )
    elif command.action is Action.STATUS:
        plan = _status(session, resident, command)
    else:
        plan = _contribute(session, resident, message, command)
    if plan.opt_out is None:
        plan.silent = resident.opted_out
    if plan.retry:  # answered as the first time, and not counted again
        return plan
    plan = _within_quota(plan, resident, settings)
    if message.channel == SMS:
        plan.segments = message.segments
    return plan


def _within_quota(plan: Plan, resident: Resident, settings: Settings) -> Plan:
    """Keep of the plan what the sender's quota allows; tell them once a window if not all.

    Over the message limit nothing is stored or answered (STOP and START still take
    effect); over the media limit the text is stored and the media are left out.
    """
    channel = resident.channel
    jobs = plan.inbound.jobs if plan.inbound is not None else ()
    now = utcnow()
    verdict = quotas.judge(
        resident.usage,
        settings.quota("messages", channel),
        settings.quota("media", channel),
        len(jobs),
        now,
    )
    if plan.silent:  # nothing may be sent to this number: nobody to tell
        verdict = replace(verdict, notice=False)
    plan.counted = Counted(channel, resident.key_hash, verdict, now)
    language = plan.inbound.language if plan.inbound else resident.last_language
    if plan.reply is not None:
        language = plan.reply.language
    window = verdict.window or quotas.HOUR
    if not verdict.message:
        notice = _say(language, quotas.too_many_messages, window) if verdict.notice else None
        if plan.opt_out is not None:
            plan.reply = notice
            return plan
        return Plan(reply=notice, silent=plan.silent, counted=plan.counted)
    if not verdict.refused_media or plan.inbound is None:
        return plan
    inbound = replace(plan.inbound, jobs=jobs[: verdict.media])
    if inbound.text or inbound.jobs:
        plan.inbound = inbound
        plan.files_refused = window if verdict.notice else None
    else:  # a picture alone, refused: nothing to store
        plan.inbound = None
        plan.reply = _say(language, quotas.too_many_files, window, None) if verdict.notice else None
    return plan


def carry_out(session: Executor, plan: Plan) -> Stored | None:
    """Write what the plan asks in the caller's transaction; return the stored contribution.

    May run twice (see `Database.write`): it only writes, and leaves the reply to
    `reply_to`, after the commit.
    """
    with usage.tally(session):
        return _carry_out(session, plan)


def _carry_out(session: Executor, plan: Plan) -> Stored | None:
    stored = None
    if plan.counted is not None:
        counted = plan.counted
        quotas.record(session, counted.channel, counted.key_hash, counted.verdict, counted.at)
    if plan.opt_out is not None:
        choice = plan.opt_out
        set_opted_out(session, choice.sender, choice.language, choice.opted_out)
    if plan.inbound is not None:
        receipt = receive(session, plan.inbound)
        language = plan.inbound.language
        if not receipt.created:  # a retry: answer in the language of the first answer
            language = _LANGUAGE.scalar(session, {"id": receipt.id})
        stored = Stored(receipt.reference, language, receipt.created)
        if plan.remember is not None and plan.ask is not None:
            closed.stored(plan.remember, receipt.id, receipt.reference)
    if plan.answering is not None:
        _record(session, plan.answering)
    if plan.remember is not None:
        if plan.opt_out is not None or plan.inbound is not None:
            plan.remember.language_recorded()  # with the resident, by either of them
        remember(session, plan.remember)
    if plan.segments:
        _meter(session, plan, stored)
    return stored


def _meter(session: Executor, plan: Plan, stored: Stored | None) -> None:
    """Count the segments received and those of the reply (Twilio texts it from the TwiML)."""
    usage.count(session, usage.SMS_SEGMENTS_IN, plan.segments)
    reply = reply_to(plan, stored)
    if reply is not None and reply.text:
        usage.count(session, usage.SMS_SEGMENTS_OUT, segments(reply.text))


def _record(session: Executor, answering: closed.Answering) -> None:
    found = _CONTRIBUTOR.first(session, {"id": answering.contribution_id})
    if found is None:  # erased meanwhile
        return
    questions.record_answers(session, answering.contribution_id, found[0], answering.given)
    if answering.more_text:
        _ADD_TEXT.rows(session, {"id": answering.contribution_id, "more": answering.more_text})


def set_opted_out(session: Executor, sender: Sender, language: str, opted_out: bool) -> None:
    """Record STOP (forget the number) or START (keep it again for replies)."""
    contributor_id = upsert_contributor(session, sender, language)
    (_OPT_OUT if opted_out else _OPT_IN).rows(session, {"id": contributor_id})


def answer(
    db: Database, message: TwilioMessage, settings: Settings, *, only_new: bool = False
) -> Reply | None:
    """Decide, write and commit what a message asks; return the reply to text back.

    `only_new`: no reply to a message stored before (a spool replayed twice).
    """
    with db.reading() as connection:
        plan = decide(connection, message, settings)
        if only_new and plan.retry:
            return None
        if not plan.writes:
            return reply_to(plan, None)
        stored = db.write(lambda writing: carry_out(writing, plan), connection)
    if only_new and stored is not None and not stored.new:
        return None
    return reply_to(plan, stored)


def reply_to(plan: Plan, stored: Stored | None) -> Reply | None:
    """Return what to text back, once the plan is carried out: nothing to a silenced number."""
    if plan.silent:
        return None
    if stored is not None and plan.files_refused is not None:
        reply = _say(stored.language, quotas.too_many_files, plan.files_refused, stored.reference)
    elif stored is not None and plan.ask is not None and stored.new:
        thanks = _say(stored.language, texts.thanks_short, stored.reference)
        return Reply(thanks.language, f"{thanks.text} {closed.ask(thanks.language, *plan.ask)}")
    elif stored is not None:
        return _say(stored.language, texts.thanks, stored.reference)
    else:
        return plan.reply
    if plan.ask is not None:
        return Reply(reply.language, f"{reply.text} {closed.ask(reply.language, *plan.ask)}")
    return reply


def _status(session: Executor, resident: Resident, command: Command) -> Plan:
    language = command.language_hint or resident.last_language
    plan = Plan()
    if language != resident.language:
        resident.language = language
        plan.remember = resident
    if command.reference is None:
        plan.reply = _say(language, texts.status_usage)
        return plan
    found = _STATUS.first(session, {"reference": command.reference, "tenant": current_tenant_id()})
    if found is None or not hmac.compare_digest(found[1], resident.key_hash):
        plan.reply = _say(language, texts.not_found, command.reference)
    else:
        plan.reply = _say(language, texts.status, command.reference, found[0])
    return plan


def _contribute(
    session: Executor,
    resident: Resident,
    message: TwilioMessage,
    command: Command,
) -> Plan:
    # Twilio sends a text again when the answer was late, often under load: a retry is
    # answered as the first time without writing anything. A text that waited for its
    # keyword was stored under the keyword's message. (Two copies in flight at once are
    # told apart by `receive` itself.)
    earlier = resident.data.get("linked", {}).get(message.sid, message.sid)
    found = _STORED.first(session, {"channel": message.channel, "sid": earlier})
    if found is not None:
        reference, language = found
        return Plan(_say(language, texts.thanks, reference), retry=True)
    if not message.body.strip() and not message.media:
        return Plan(_say(resident.last_language, texts.empty))
    choices = listed(session)
    chosen = by_keyword(choices, command.first_word)
    turn = closed.reply(session, resident, message) if chosen is None else None
    if turn is not None:
        reply = Reply(turn.language, turn.text)
        return Plan(reply, remember=resident, answering=turn.answering, retry=turn.retry)
    if chosen is not None:
        text = command.rest
        language = detect(text) or resident.last_language
        if not chosen.is_open():
            return Plan(_say(language, texts.closed))
        if not text and not message.media:
            return _keyword_alone(session, resident, message, chosen)
    else:
        text = message.body.strip()
        language = detect(text) or resident.last_language
        chosen = _implied(choices, resident.consultation_id)
    resident.language = language
    if chosen is None:
        resident.data["pending"] = {
            "sid": message.sid,
            "text": text,
            "language": language,
            "media": [[m.url, m.content_type] for m in message.media],
        }
        return Plan(_say(language, texts.choose, open_keywords(choices)), remember=resident)
    return _store(session, resident, message, chosen, text)


def _implied(choices: list[Consultation], ongoing: int | None) -> Consultation | None:
    open_now = [c for c in choices if c.is_open()]
    current = next((c for c in open_now if c.id == ongoing), None)
    if current is not None:
        return current
    return open_now[0] if len(open_now) == 1 else None


def _keyword_alone(
    session: Executor, resident: Resident, message: TwilioMessage, chosen: Consultation
) -> Plan:
    pending = resident.data.pop("pending", None)
    if pending is None:
        resident.consultation_id = chosen.id
        with using_language(resident.last_language) as language:
            reply = Reply(language, texts.prompt(chosen.text_in(language).title))
        return Plan(reply, remember=resident)
    resident.language = pending["language"]
    # Both texts, if Twilio sends them again, answer with the contribution they became.
    resident.data["linked"] = {pending["sid"]: message.sid}
    waiting = replace(
        message,
        body=pending["text"],
        media=tuple(MediaItem(url, kind) for url, kind in pending["media"]),
    )
    return _store(session, resident, waiting, chosen, pending["text"])


def _store(
    session: Executor,
    resident: Resident,
    message: TwilioMessage,
    chosen: Consultation,
    text: str,
) -> Plan:
    sender = sender_of(message, resident.key_hash, may_reply=not resident.opted_out)
    inbound = to_inbound(
        message,
        text=text,
        consultation_id=chosen.id,
        language=resident.last_language,
        sender=sender,
    )
    resident.consultation_id = chosen.id
    resident.data.pop("pending", None)
    asked = questions.asked(session, chosen.id)
    first = closed.start(resident, asked)
    return Plan(inbound=inbound, remember=resident, ask=(asked, first) if first else None)
