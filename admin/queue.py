"""The review queue: filters, search, counts per filter value and keyset pagination."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Row, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from intake.i18n import LANGUAGES
from intake.models import Contribution, ContributionStatus, ContributionTag, Tag
from intake.references import normalise_reference

PAGE_SIZE = 50
# A text search is counted over its newest matches only: a full count would scan every text.
SEARCH_COUNT_CAP = 1000
EXCERPT = 240
TIMEZONE = ZoneInfo("Europe/Brussels")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FACETS = ("consultation", "channel", "language", "status", "needs_person")
_COLUMNS = {
    "consultation": Contribution.consultation_id,
    "channel": Contribution.channel,
    "language": Contribution.language,
    "status": Contribution.status,
    "needs_person": Contribution.needs_person,
}


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=TIMEZONE).astimezone(UTC)


@dataclass(frozen=True)
class QueueFilter:
    """What staff narrowed the queue to; every field optional."""

    consultation: int | None = None
    channel: str | None = None
    language: str | None = None
    status: str | None = None
    needs_person: bool | None = None
    received_from: date | None = None
    received_to: date | None = None
    tag: str | None = None
    search: str = ""
    # The consultations the staff member may see (None: all); never part of a link.
    within: frozenset[int] | None = None

    @classmethod
    def from_args(
        cls, args: Mapping[str, str], within: frozenset[int] | None = None
    ) -> QueueFilter:
        """Read the filter from a query string, ignoring values that make no sense."""
        status = args.get("status")
        person = args.get("needs_person")
        return cls(
            consultation=_int(args.get("consultation")),
            channel=(args.get("channel") or None),
            language=args.get("language") if args.get("language") in LANGUAGES else None,
            status=status if status in set(ContributionStatus) else None,
            needs_person={"1": True, "0": False}.get(person or ""),
            received_from=_date(args.get("from")),
            received_to=_date(args.get("to")),
            tag=(args.get("tag") or "").strip().lower() or None,
            search=(args.get("q") or "").strip()[:200],
            within=within,
        )

    def as_args(self) -> dict[str, str]:
        """Write the filter back as query-string values (for links)."""
        names = {"received_from": "from", "received_to": "to", "search": "q"}
        out = {}
        for name, value in asdict(self).items():
            if value is None or value == "" or name == "within":
                continue
            if isinstance(value, bool):
                value = "1" if value else "0"
            out[names.get(name, name)] = str(value)
        return out

    def without(self, name: str) -> QueueFilter:
        """Return this filter with one field cleared."""
        default = next(f.default for f in fields(self) if f.name == name)
        return replace(self, **{name: default})

    def facet_values(self) -> dict[str, Any]:
        """Return the chosen value of each facet (None when not chosen)."""
        return {name: getattr(self, name) for name in FACETS}

    def conditions(self, dialect: str) -> list[ColumnElement[bool]]:
        """Return the WHERE clauses for every chosen facet and the other filters."""
        chosen = [
            _COLUMNS[name] == value
            for name, value in self.facet_values().items()
            if value is not None
        ]
        return chosen + self.other_conditions(dialect)

    def other_conditions(self, dialect: str) -> list[ColumnElement[bool]]:
        """Return the WHERE clauses of the filters that are not counted per value."""
        found: list[ColumnElement[bool]] = []
        if self.within is not None:
            found.append(Contribution.consultation_id.in_(sorted(self.within)))
        if self.received_from:
            found.append(Contribution.received_at >= _start_of(self.received_from))
        if self.received_to:
            found.append(Contribution.received_at < _start_of(self.received_to + timedelta(1)))
        if self.tag:
            found.append(
                exists()
                .where(ContributionTag.contribution_id == Contribution.id)
                .where(ContributionTag.tag_id == Tag.id, Tag.name == self.tag)
            )
        if self.search:
            found.append(search_condition(self.search, dialect))
        return found


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_condition(search: str, dialect: str) -> ColumnElement[bool]:
    """Match every word of `search` in the text, or the reference itself."""
    words = [w for w in search.split() if w][:8]
    # SQLite's LIKE ignores case already; lower() around it would defeat its speed.
    match = Contribution.text.ilike if dialect == "postgresql" else Contribution.text.like
    text_match = and_(*(match(f"%{_escape(w)}%", escape="\\") for w in words))
    reference = normalise_reference(search)
    return or_(text_match, Contribution.reference == reference) if reference else text_match


def encode_cursor(received_at: datetime, contribution_id: int) -> str:
    """Write a queue position as an opaque, URL-safe token."""
    micros = (received_at - EPOCH) // timedelta(microseconds=1)
    return f"{micros}.{contribution_id}"


def decode_cursor(token: str | None) -> tuple[datetime, int] | None:
    """Read a queue position back; None for a missing or malformed token."""
    micros, _, ident = (token or "").partition(".")
    try:
        return EPOCH + timedelta(microseconds=int(micros)), int(ident)
    except ValueError:
        return None


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue with links onwards and back."""

    rows: Sequence[Row[Any]]
    older: str | None
    newer: str | None


def page(
    session: Session,
    queue_filter: QueueFilter,
    *,
    after: str | None = None,
    before: str | None = None,
    size: int = PAGE_SIZE,
) -> QueuePage:
    """Return the page newest first, starting after (or ending before) a cursor."""
    dialect = session.get_bind().dialect.name
    query = select(
        Contribution.id,
        Contribution.reference,
        Contribution.consultation_id,
        Contribution.channel,
        Contribution.language,
        Contribution.status,
        Contribution.needs_person,
        Contribution.received_at,
        Contribution.text_origin,
        func.substr(Contribution.text, 1, EXCERPT).label("excerpt"),
    ).where(*queue_filter.conditions(dialect))
    at, newest_first = decode_cursor(after or before), before is None or after is not None
    if at is not None:
        moment, ident = at
        if newest_first:
            query = query.where(
                or_(
                    Contribution.received_at < moment,
                    and_(Contribution.received_at == moment, Contribution.id < ident),
                )
            )
        else:
            query = query.where(
                or_(
                    Contribution.received_at > moment,
                    and_(Contribution.received_at == moment, Contribution.id > ident),
                )
            )
    order = (
        (Contribution.received_at.desc(), Contribution.id.desc())
        if newest_first
        else (Contribution.received_at.asc(), Contribution.id.asc())
    )
    rows = list(session.execute(query.order_by(*order).limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    if not newest_first:
        rows.reverse()
    if not rows:
        return QueuePage(rows, None, None)
    first, last = rows[0], rows[-1]
    has_older = more if newest_first else at is not None
    has_newer = (at is not None) if newest_first else more
    return QueuePage(
        rows,
        older=encode_cursor(last.received_at, last.id) if has_older else None,
        newer=encode_cursor(first.received_at, first.id) if has_newer else None,
    )


@dataclass(frozen=True)
class Counts:
    """How many contributions each facet value would show, and how many match now."""

    total: int
    per_value: Mapping[str, Mapping[Any, int]]
    capped: bool = False


def counts(session: Session, queue_filter: QueueFilter) -> Counts:
    """Count per facet value in one grouped scan; each facet ignores its own choice."""
    dialect = session.get_bind().dialect.name
    columns = [_COLUMNS[name] for name in FACETS]
    matching = select(*columns).where(*queue_filter.other_conditions(dialect))
    capped = False
    if queue_filter.search:
        newest = matching.order_by(Contribution.received_at.desc(), Contribution.id.desc())
        sample = newest.limit(SEARCH_COUNT_CAP + 1).subquery()
        sampled = [sample.c[column.key] for column in columns]
        grouped = session.execute(select(*sampled, func.count()).group_by(*sampled)).all()
        capped = sum(row[-1] for row in grouped) > SEARCH_COUNT_CAP
    else:
        grouped = session.execute(matching.add_columns(func.count()).group_by(*columns)).all()
    chosen = queue_filter.facet_values()
    per_value: dict[str, dict[Any, int]] = {name: defaultdict(int) for name in FACETS}
    total = 0
    for row in grouped:
        values, number = dict(zip(FACETS, row[:-1], strict=True)), row[-1]
        misses = [n for n in FACETS if chosen[n] is not None and values[n] != chosen[n]]
        if not misses:
            total += number
        for name in FACETS:
            if not misses or misses == [name]:
                per_value[name][values[name]] += number
    return Counts(total, per_value, capped)
