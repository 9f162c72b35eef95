"""Who is texting: their opt-out, their ongoing conversation, and where a message may go."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from intake import consultations
from intake.db import dialect_name
from intake.i18n import DEFAULT_LANGUAGE
from intake.inbound import Sender
from intake.models import (
    Consultation,
    ConsultationStatus,
    Contributor,
    ConversationState,
    utcnow,
)
from intake.prepared import Prepared, bound
from intake.receive import upsert_contributor

REMEMBER = timedelta(days=7)
REFRESH = timedelta(days=1)


def _contributor(column: Any) -> Any:
    return (
        select(column)
        .where(Contributor.address_kind == "phone", Contributor.address_hash == bindparam("key"))
        .scalar_subquery()
    )


def _state(column: Any) -> Any:
    return (
        select(column)
        .where(
            ConversationState.channel == bindparam("channel"),
            ConversationState.key_hash == bindparam("key"),
        )
        .scalar_subquery()
    )


# Built once, one round trip: every incoming text runs it, and building a statement costs
# more than running it.
_RESIDENT = Prepared(
    select(
        _contributor(Contributor.opted_out).label("opted_out"),
        _contributor(Contributor.preferred_language).label("preferred_language"),
        _state(ConversationState.language).label("language"),
        _state(ConversationState.consultation_id).label("consultation_id"),
        _state(ConversationState.data).label("data"),
        _state(ConversationState.expires_at).label("expires_at"),
    )
)
_SLUGS = Prepared(
    select(Consultation.slug)
    .where(Consultation.status != ConsultationStatus.DRAFT)
    .order_by(Consultation.id)
)
_STATE_COLUMNS = (
    "channel",
    "key_hash",
    "consultation_id",
    "language",
    "data",
    "updated_at",
    "expires_at",
)


@dataclass
class Resident:
    """What Inspraak remembers of one number on one channel."""

    channel: str
    key_hash: str
    opted_out: bool = False
    language: str | None = None
    consultation_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    expires_at: datetime | None = None
    saved: tuple[Any, ...] = ()

    def snapshot(self) -> tuple[Any, ...]:
        """Return what `remember` stores, to tell later whether it changed."""
        return (self.consultation_id, self.language, repr(self.data))

    @property
    def unsaved(self) -> bool:
        """Tell whether the conversation changed, or is due for a new expiry date."""
        due = self.expires_at is None or self.expires_at - utcnow() < REMEMBER - REFRESH
        return due or self.snapshot() != self.saved

    @property
    def last_language(self) -> str:
        """Return the language this resident last wrote in, or Dutch."""
        return self.language or DEFAULT_LANGUAGE


def find_resident(session: Session, channel: str, key_hash: str) -> Resident:
    """Load the number's opt-out and, unless it expired, its conversation."""
    row = _RESIDENT.first(session, {"channel": channel, "key": key_hash})
    assert row is not None  # one row of subqueries, NULL where nothing is known
    opted_out, preferred_language, language, consultation_id, data, expires_at = row
    resident = Resident(channel, key_hash, opted_out=bool(opted_out), language=preferred_language)
    if expires_at is not None and expires_at > utcnow():
        resident.language = language or resident.language
        resident.consultation_id = consultation_id
        resident.data = dict(data or {})
        resident.expires_at = expires_at
        resident.saved = resident.snapshot()
    return resident


@functools.cache
def _upsert_state(dialect: str) -> Prepared:
    table = ConversationState.__table__
    statement = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    changed = ("consultation_id", "language", "data", "updated_at", "expires_at")
    return Prepared(
        statement.values(bound(table, _STATE_COLUMNS)).on_conflict_do_update(
            index_elements=[table.c.channel, table.c.key_hash],
            set_={name: statement.excluded[name] for name in changed},
        )
    )


def remember(session: Session, resident: Resident) -> None:
    """Keep the conversation (consultation, language, waiting text) for a while, if changed."""
    if not resident.unsaved:
        return
    now = utcnow()
    _upsert_state(dialect_name(session)).rows(
        session,
        {
            "channel": resident.channel,
            "key_hash": resident.key_hash,
            "consultation_id": resident.consultation_id,
            "language": resident.language,
            "data": resident.data,
            "updated_at": now,
            "expires_at": now + REMEMBER,
        },
    )


def set_opted_out(session: Session, sender: Sender, language: str, opted_out: bool) -> None:
    """Record STOP (forget the number) or START (keep it again for replies)."""
    contributor = session.get(Contributor, upsert_contributor(session, sender, language))
    assert contributor is not None
    contributor.opted_out = opted_out
    if opted_out:
        contributor.address = None
        contributor.wants_updates = False
    session.flush()


def routable(session: Session) -> list[Consultation]:
    """Return the consultations a text may be routed to or told about (not drafts)."""
    found = (consultations.lookup(session, slug) for (slug,) in _SLUGS.rows(session, {}))
    return [c for c in found if c is not None]


def by_keyword(choices: Sequence[Consultation], keyword: str) -> Consultation | None:
    """Return the consultation whose SMS keyword is `keyword`."""
    return next((c for c in choices if keyword and c.sms_keyword == keyword), None)


def open_keywords(choices: Sequence[Consultation]) -> list[str]:
    """List the keywords of the consultations open right now."""
    return [c.sms_keyword for c in choices if c.is_open() and c.sms_keyword]
