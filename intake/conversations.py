"""Where each resident's dialogue stands, for every channel that holds one.

One row per channel and keyed hash (of a number, a call, a chat user) in
`conversation_state`; what a channel needs beyond consultation, language and step goes in
`data`. Three ways in, for three kinds of dialogue:

- a thread of texts (SMS, WhatsApp): `find_resident` reads the sender, their thread and their
  quota in one round trip, `remember` writes the thread back only when it changed;
- a phone call: `current` and `keep`, a row per call for the length of the call;
- a chat (Telegram): `locked`, the row held until the commit, so that a redelivered update
  sees what the first delivery did.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, bindparam, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from intake import quotas
from intake.db import Executor, dialect_name, insert
from intake.db.prepared import Prepared, bound
from intake.i18n import DEFAULT_LANGUAGE
from intake.models import Contributor, ConversationState, SenderQuota, utcnow
from intake.tenancy import current_tenant_id

# A thread of texts is kept a week, its expiry pushed back at most once a day.
REMEMBER = timedelta(days=7)
REFRESH = timedelta(days=1)


# Built once, one round trip, one row (NULLs where nothing is known): every incoming text
# runs it, and building a statement costs more than running it.
_HERE = select(literal(1).label("here")).subquery("here")
_RESIDENT = Prepared(
    select(
        Contributor.opted_out,
        Contributor.preferred_language,
        Contributor.last_seen_at,
        ConversationState.language,
        ConversationState.updated_at,
        ConversationState.consultation_id,
        ConversationState.data,
        ConversationState.expires_at,
        *quotas.COLUMNS,
    )
    .select_from(_HERE)
    .outerjoin(
        Contributor,
        and_(
            Contributor.address_kind == bindparam("kind"),
            Contributor.address_hash == bindparam("key"),
            Contributor.tenant_id == bindparam("tenant"),
        ),
    )
    .outerjoin(
        ConversationState,
        and_(
            ConversationState.channel == bindparam("channel"),
            ConversationState.key_hash == bindparam("key"),
            ConversationState.tenant_id == bindparam("tenant"),
        ),
    )
    .outerjoin(
        SenderQuota,
        and_(SenderQuota.channel == bindparam("channel"), SenderQuota.key_hash == bindparam("key")),
    )
)
_STATE_COLUMNS = (
    "channel",
    "key_hash",
    "consultation_id",
    "language",
    "data",
    "updated_at",
    "expires_at",
    "tenant_id",
)


@dataclass
class Resident:
    """What Inspraak remembers of one address (a number) on one channel that texts."""

    channel: str
    key_hash: str
    opted_out: bool = False
    language: str | None = None
    consultation_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    expires_at: datetime | None = None
    saved: tuple[Any, ...] = ()
    usage: quotas.Usage = field(default_factory=quotas.Usage)

    def language_recorded(self) -> None:
        """Note that the resident's own record now holds their language (they contributed).

        The conversation need not be written again for the language alone: the later of
        the two records gives it back (see `find_resident`).
        """
        if self.saved:
            self.saved = (self.saved[0], self.language, self.saved[2])

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


def find_resident(session: Executor, channel: str, address_kind: str, key_hash: str) -> Resident:
    """Load the address's opt-out, what it sent lately and, unless it expired, its thread."""
    row = _RESIDENT.first(
        session,
        {
            "channel": channel,
            "kind": address_kind,
            "key": key_hash,
            "tenant": current_tenant_id(),
        },
    )
    assert row is not None  # always one row
    (
        opted_out,
        preferred_language,
        seen_at,
        language,
        updated_at,
        consultation_id,
        data,
        expires_at,
    ) = row[:8]
    resident = Resident(
        channel,
        key_hash,
        opted_out=bool(opted_out),
        language=preferred_language,
        usage=quotas.Usage.of(row[8:]),
    )
    if expires_at is not None and expires_at > utcnow():
        # The language is kept with the conversation, and with the resident each time they
        # contribute or opt out: the one written last is the one they last used.
        if language and (seen_at is None or updated_at >= seen_at):
            resident.language = language
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
            index_elements=[table.c.channel, table.c.key_hash, table.c.tenant_id],
            set_={name: statement.excluded[name] for name in changed},
        )
    )


def remember(session: Executor, resident: Resident) -> None:
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
            "tenant_id": current_tenant_id(),
        },
    )


def current(session: Session, channel: str, key_hash: str) -> ConversationState | None:
    """Return the dialogue kept under `key_hash` on `channel`, unless it expired."""
    state = session.scalars(_kept(channel, key_hash)).first()
    if state is None or (state.expires_at is not None and state.expires_at <= utcnow()):
        return None
    return state


def keep(
    session: Session,
    channel: str,
    key_hash: str,
    *,
    language: str | None,
    consultation_id: int | None,
    step: str | None,
    data: dict[str, Any],
    lasts: timedelta,
) -> None:
    """Keep where a dialogue stands for `lasts`, replacing what was kept; flush, not commit."""
    state = session.scalars(_kept(channel, key_hash)).first()
    if state is None:
        state = ConversationState(channel=channel, key_hash=key_hash, data={})
        session.add(state)
    state.language = language
    state.consultation_id = consultation_id
    state.step = step
    state.data = data
    state.updated_at = utcnow()
    state.expires_at = utcnow() + lasts
    session.flush()


def locked(session: Session, channel: str, key_hash: str) -> ConversationState:
    """Return the dialogue kept under `key_hash`, made if new, locked until the commit."""
    # Two deliveries of one update may race: the row lock makes the second see the first.
    session.execute(
        insert(session, ConversationState)
        .values(channel=channel, key_hash=key_hash, data={}, updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["channel", "key_hash", "tenant_id"])
    )
    query = _kept(channel, key_hash).with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).one()


def _kept(channel: str, key_hash: str) -> Select[tuple[ConversationState]]:
    return select(ConversationState).where(
        ConversationState.channel == channel, ConversationState.key_hash == key_hash
    )
