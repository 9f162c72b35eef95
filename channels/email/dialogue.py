"""Take in one mail: a contribution, a follow-up, STATUS or STOP, a bounce; queue the answer.

Writes in the caller's session and flushes; the poller commits once, and only then moves
the mail out of the inbox. Answers are outbound messages, sent by the worker after the
commit, and go only to the address the mail came from, never to one it names.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from channels.email import texts
from channels.email.adapter import EMAIL
from channels.email.attachments import attach, stored_mail
from channels.email.incoming import IncomingMail, Kind, tag_of
from channels.email.stopping import stop
from intake.commands import STATUS_WORDS, STOP_WORDS, keyword_of
from intake.consultations import open_now
from intake.hashing import keyed_hash
from intake.i18n import LANGUAGES, using_language
from intake.inbound import Inbound, Sender
from intake.language import detect
from intake.models import (
    Consultation,
    ContactConfirmation,
    Contribution,
    Contributor,
    OutboundMessage,
    TextOrigin,
    utcnow,
)
from intake.outbound import queue_message
from intake.receive import receive, upsert_contributor
from intake.references import normalise_reference
from intake.runtime import Runtime

NO_CONSULTATION = "email_no_consultation"
FOLLOW_UP = "email_follow_up"
ANSWERS_PER_HOUR = 5
_REFERENCE = re.compile(r"\b[0-9A-Za-z]{3}-[0-9A-Za-z]{3}\b")
_REPLY_PREFIX = re.compile(r"^\s*((re|aw|antw|tr|fw|fwd|wg)\s*:\s*)+", re.IGNORECASE)


@dataclass(frozen=True)
class Outcome:
    """What became of a mail, for the log: no address, no text."""

    action: str
    reference: str | None = None


def take_in(session: Session, runtime: Runtime, mail: IncomingMail, raw: bytes) -> Outcome:
    """Store what `mail` brings and queue the answer it deserves; flush, never commit."""
    if mail.kind is Kind.BOUNCE:
        for address in mail.failed_recipients:
            unreachable(session, keyed_hash(runtime.settings.secret_key, EMAIL, address))
        return Outcome("bounce")
    if not mail.answerable:  # an out-of-office, a mailing list: read by no one, answered never
        return Outcome(str(mail.kind))
    key = keyed_hash(runtime.settings.secret_key, EMAIL, mail.sender)
    word, rest = _command(mail)
    if word in STOP_WORDS:
        stop(session, key)
        return Outcome("stop")
    if word in STATUS_WORDS:
        return _status(session, runtime, mail, key, word, rest)
    target = _answered(session, mail, key)
    if target is not None:
        return _follow_up(session, runtime, mail, raw, target)
    return _contribute(session, runtime, mail, raw, key)


def _command(mail: IncomingMail) -> tuple[str, str]:
    # "STOP" or "STATUS K7M-4PQ" as the subject, or else as the first line of the mail.
    subject = _REPLY_PREFIX.sub("", mail.subject).strip()
    first_line = mail.text.strip().split("\n", 1)[0]
    for line in (subject, first_line):
        first, _, rest = line.strip().partition(" ")
        word = keyword_of(first)
        rest = rest.strip()
        # "Status van het park…" is a contribution: STATUS takes a reference or nothing.
        if (word in STOP_WORDS and not rest) or (
            word in STATUS_WORDS and (not rest or normalise_reference(rest))
        ):
            return word, rest
    return "", ""


def unreachable(session: Session, address_hash: str) -> None:
    """Mark the address a mail of ours could not reach: no more mail to it, address forgotten."""
    contributor = _resident(session, address_hash)
    if contributor is not None:
        contributor.unreachable = True
        contributor.address = None
        session.flush()


def _resident(session: Session, address_hash: str) -> Contributor | None:
    return session.scalars(
        select(Contributor).where(
            Contributor.address_kind == EMAIL, Contributor.address_hash == address_hash
        )
    ).first()


def _language(mail: IncomingMail, known: str | None) -> str:
    if mail.language in LANGUAGES:
        return mail.language
    return detect(f"{mail.subject}\n{mail.text}") or known or LANGUAGES[0]


def _sender(runtime: Runtime, mail: IncomingMail, known: Contributor | None) -> Sender:
    # Like a texted number: the mail came from this address, so answers go only there.
    may_reply = known is None or not known.opted_out
    return Sender.of(
        runtime.settings.secret_key, EMAIL, mail.sender, may_reply=may_reply, confirmed=True
    )


def answer(session: Session, contributor_id: int, body: str, contribution_id: int | None) -> None:
    """Queue `body` for the resident (written in their language); nothing if they said STOP.

    At most `ANSWERS_PER_HOUR` answers go to one address an hour: an auto-responder that
    marks its mail as nothing special would otherwise answer every answer (a mail loop).
    """
    # Read afresh: the upsert that just found the resident may have changed their address.
    contributor = session.get(Contributor, contributor_id, populate_existing=True)
    if contributor is None:
        return
    recent = session.scalar(
        select(func.count(OutboundMessage.id)).where(
            OutboundMessage.contributor_id == contributor_id,
            OutboundMessage.channel == EMAIL,
            OutboundMessage.created_at > utcnow() - timedelta(hours=1),
        )
    )
    if (recent or 0) < ANSWERS_PER_HOUR:
        queue_message(session, contributor, EMAIL, body, contribution_id=contribution_id)


def _status(
    session: Session, runtime: Runtime, mail: IncomingMail, key: str, word: str, rest: str
) -> Outcome:
    known = _resident(session, key)
    # "STATUT" says French, "STAND" Dutch; "STATUS" says nothing.
    hint = STATUS_WORDS[word]
    language = hint or _language(mail, known.preferred_language if known else None)
    contributor_id = upsert_contributor(session, _sender(runtime, mail, known), language)
    reference = normalise_reference(rest)
    with using_language(language):
        if reference is None:
            body = texts.status_usage()
        else:
            found = session.scalars(
                select(Contribution).where(Contribution.reference == reference)
            ).first()
            owner = found.contributor if found is not None else None
            if owner is None or not hmac.compare_digest(owner.address_hash, key):
                body = texts.not_found(reference)
            else:
                body = texts.status(reference, found.status)
    answer(session, contributor_id, body, None)
    return Outcome("status", reference)


def _answered(session: Session, mail: IncomingMail, key: str) -> Contribution | None:
    """Return the sender's own contribution this mail answers, by In-Reply-To or reference."""
    candidates: list[int] = []
    if mail.answers_to:
        sent = session.execute(
            select(OutboundMessage.contribution_id, ContactConfirmation.contribution_id)
            .outerjoin(
                ContactConfirmation, OutboundMessage.confirmation_id == ContactConfirmation.id
            )
            .where(
                OutboundMessage.channel == EMAIL,
                OutboundMessage.provider_message_id.in_([f"<{i}>" for i in mail.answers_to]),
            )
        ).all()
        candidates += [mine or confirmed for mine, confirmed in sent if mine or confirmed]
    for found in _REFERENCE.findall(mail.subject):
        reference = normalise_reference(found)
        if reference is not None:
            candidates += session.scalars(
                select(Contribution.id).where(Contribution.reference == reference)
            ).all()
    for contribution_id in candidates:
        contribution = session.get(Contribution, contribution_id)
        if contribution is not None and _written_by(session, contribution, key):
            return contribution
    return None


def _written_by(session: Session, contribution: Contribution, key: str) -> bool:
    # A follow-up joins a contribution only from the address that wrote it, or that it
    # left for a reply: nobody adds words to someone else's contribution.
    owner = contribution.contributor
    if owner is not None and owner.address_kind == EMAIL:
        return hmac.compare_digest(owner.address_hash, key)
    held = session.scalars(
        select(ContactConfirmation.address_hash).where(
            ContactConfirmation.contribution_id == contribution.id,
            ContactConfirmation.kind == EMAIL,
        )
    ).all()
    return any(hmac.compare_digest(h, key) for h in held)


def _follow_up(
    session: Session, runtime: Runtime, mail: IncomingMail, raw: bytes, target: Contribution
) -> Outcome:
    follow_ups = list(target.answers.get("follow_ups", []))
    if any(entry.get("message_id") == mail.message_id for entry in follow_ups):
        return Outcome("duplicate", target.reference)
    # The words join the contribution's text; here only which mail brought them, and when.
    follow_ups.append({"message_id": mail.message_id, "received_at": utcnow().isoformat()})
    target.answers = {**target.answers, "follow_ups": follow_ups}
    if mail.text:
        joined = f"{target.text.rstrip()}\n\n{mail.text}" if target.text.strip() else mail.text
        target.text = joined
    attach(session, runtime, target, (stored_mail(raw), *mail.files))
    if not target.needs_person:
        target.needs_person, target.needs_person_reason = True, FOLLOW_UP
    session.flush()
    known = _resident(session, keyed_hash(runtime.settings.secret_key, EMAIL, mail.sender))
    language = _language(mail, known.preferred_language if known else target.language)
    contributor_id = upsert_contributor(session, _sender(runtime, mail, known), language)
    with using_language(language):
        answer(session, contributor_id, texts.added(target.reference), target.id)
    return Outcome("follow_up", target.reference)


def _consultation(session: Session, mail: IncomingMail) -> Consultation | None:
    choices = open_now(session)
    tag = tag_of(mail.recipients)
    if tag is not None:
        by_tag = [c for c in choices if c.slug == tag or c.sms_keyword == keyword_of(tag)]
        if by_tag:
            return by_tag[0]
    words = {keyword_of(word) for word in _REPLY_PREFIX.sub("", mail.subject).split()}
    by_keyword = [c for c in choices if c.sms_keyword and c.sms_keyword in words]
    if by_keyword:
        return by_keyword[0]
    if tag is None and len(choices) == 1:
        return choices[0]
    return None


def _contribute(
    session: Session, runtime: Runtime, mail: IncomingMail, raw: bytes, key: str
) -> Outcome:
    known = _resident(session, key)
    chosen = _consultation(session, mail)
    language = _language(mail, known.preferred_language if known else None)
    inbound = Inbound(
        channel=EMAIL,
        language=language,
        text=mail.text,
        consultation_id=chosen.id if chosen is not None else None,
        channel_message_id=mail.message_id,
        text_origin=TextOrigin.TYPED if mail.text else TextOrigin.NONE,
        sender=_sender(runtime, mail, known),
        answers={"subject": mail.subject} if mail.subject else {},
        needs_person_reason=None if chosen is not None else NO_CONSULTATION,
    )
    receipt = receive(session, inbound)
    if not receipt.created:
        return Outcome("duplicate", receipt.reference)
    contribution = session.get(Contribution, receipt.id)
    assert contribution is not None
    attach(session, runtime, contribution, (stored_mail(raw), *mail.files))
    with using_language(language):
        answer(
            session, contribution.contributor_id or 0, texts.thanks(receipt.reference), receipt.id
        )
    return Outcome("contribution", receipt.reference)


def refuse_large(session: Session, runtime: Runtime, mail: IncomingMail) -> Outcome:
    """Answer a mail too large to take: it is not stored, and the sender is told why."""
    if not mail.answerable:
        return Outcome("too_large")
    key = keyed_hash(runtime.settings.secret_key, EMAIL, mail.sender)
    known = _resident(session, key)
    language = _language(mail, known.preferred_language if known else None)
    contributor_id = upsert_contributor(session, _sender(runtime, mail, known), language)
    with using_language(language):
        answer(session, contributor_id, texts.too_large(runtime.settings.mail_max_bytes), None)
    return Outcome("too_large")
