"""Who a consultation reached: contributions per channel, language, postcode area and week."""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, literal_column, select, union_all
from sqlalchemy.orm import Session

from intake.db import dialect_name
from intake.models import Consultation, Contribution, ContributionStatus
from intake.reporting import spreadsheet

TIMEZONE = ZoneInfo("Europe/Brussels")
DIMENSIONS = ("channel", "language", "postcode", "week")
WEB = "web"
UNKNOWN = "unknown"
OTHER = "other"
# A postcode area with fewer contributions than this could point at a person: it is merged.
SMALL_COUNT = 5
POSTCODE = re.compile(r"[1-9][0-9]{3}")

Counts = Sequence[tuple[str, int]]


@dataclass(frozen=True)
class Reach:
    """What reached a consultation (or all): per dimension, counts adding up to the total."""

    consultation_id: int | None
    total: int
    first: datetime | None
    last: datetime | None
    counts: Mapping[str, Counts]

    @property
    def non_web(self) -> int:
        """Count the contributions that came by another way than the website (or its kiosk)."""
        return self.total - dict(self.counts["channel"]).get(WEB, 0)

    @property
    def non_web_share(self) -> float:
        """Return the non-web contributions as a fraction of all (0 when there are none)."""
        return self.non_web / self.total if self.total else 0.0


@dataclass(frozen=True)
class Overview:
    """The chosen consultation's reach (or all together), and every consultation's beside it."""

    chosen: Reach
    per_consultation: Sequence[Reach]


@dataclass
class _Tally:
    total: int = 0
    first: datetime | None = None
    last: datetime | None = None
    counts: dict[str, Counter[str]] = field(
        default_factory=lambda: {name: Counter() for name in DIMENSIONS}
    )

    def absorb(self, other: _Tally) -> None:
        self.total += other.total
        self.first = min(filter(None, (self.first, other.first)), default=None)
        self.last = max(filter(None, (self.last, other.last)), default=None)
        for name in DIMENSIONS:
            self.counts[name].update(other.counts[name])


def postcode_area(raw: str | None) -> str:
    """Return the 4-digit Belgian postcode a resident gave, or UNKNOWN when there is none."""
    cleaned = (raw or "").strip()
    return cleaned if POSTCODE.fullmatch(cleaned) else UNKNOWN


def iso_week(moment: datetime) -> str:
    """Name the ISO week (e.g. 2024-W05) of a moment as it was in Brussels."""
    year, week, _day = moment.astimezone(TIMEZONE).isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(week: str) -> date:
    """Return the Monday an ISO week name (2024-W05) starts on."""
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def _utc_hour(dialect: str) -> ColumnElement[str]:
    # Brussels is a whole number of hours ahead of UTC, so the UTC hour fixes the local day;
    # grouping by it keeps both databases on one path (SQLite knows no time zones).
    # Literal formats, not bound ones: PostgreSQL must see the same GROUP BY and SELECT text.
    if dialect == "postgresql":
        utc = func.timezone(literal_column("'UTC'"), Contribution.received_at)
        return func.to_char(utc, literal_column("'YYYY-MM-DD HH24'"))
    return func.strftime(literal_column("'%Y-%m-%d %H'"), Contribution.received_at)


def _week_of_hour(hour: str) -> str:
    return iso_week(datetime.strptime(hour, "%Y-%m-%d %H").replace(tzinfo=UTC))


def _tallies(session: Session) -> dict[int | None, _Tally]:
    counted = Contribution.status != ContributionStatus.DUPLICATE
    owner = Contribution.consultation_id
    tallies: defaultdict[int | None, _Tally] = defaultdict(_Tally)
    for cid in session.scalars(select(Consultation.id).order_by(Consultation.id)):
        tallies[cid] = _Tally()
    columns: dict[str, tuple[ColumnElement[Any], Callable[[Any], str]]] = {
        "channel": (Contribution.channel, str),
        "language": (Contribution.language, str),
        "postcode": (Contribution.postcode, postcode_area),
        "week": (_utc_hour(dialect_name(session)), _week_of_hour),
    }
    parts = [
        select(owner, literal_column(f"'{name}'"), column, func.count())
        .where(counted)
        .group_by(owner, column)
        for name, (column, _bucket) in columns.items()
    ]
    # One statement, so every dimension counts the same contributions while new ones arrive
    # (PostgreSQL reads each statement, not each transaction, as of one moment).
    for cid, name, value, number in session.execute(union_all(*parts)):
        tallies[cid].counts[name][columns[name][1](value)] += number
    ranges = select(owner, func.min(Contribution.received_at), func.max(Contribution.received_at))
    for cid, first, last in session.execute(ranges.where(counted).group_by(owner)):
        tallies[cid].first, tallies[cid].last = first, last
    for tally in tallies.values():
        tally.total = sum(tally.counts["channel"].values())
    return dict(tallies)


def _merge_small(postcodes: Counter[str]) -> Counts:
    apart = (OTHER, UNKNOWN)
    areas = sorted((k, n) for k, n in postcodes.items() if k not in apart and n >= SMALL_COUNT)
    other = sum(postcodes.values()) - sum(n for _k, n in areas) - postcodes[UNKNOWN]
    tail = [(OTHER, other)] if other else []
    return [*areas, *tail, *([(UNKNOWN, postcodes[UNKNOWN])] if postcodes[UNKNOWN] else [])]


def _every_week(weeks: Counter[str]) -> Counts:
    # Weeks without contributions stay in, so a chart over time shows its gaps.
    if not weeks:
        return []
    monday, last = week_monday(min(weeks)), week_monday(max(weeks))
    filled = []
    while monday <= last:
        name = f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}"
        filled.append((name, weeks.get(name, 0)))
        monday += timedelta(days=7)
    return filled


def _largest_first(counts: Counter[str]) -> Counts:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _finish(consultation_id: int | None, tally: _Tally) -> Reach:
    counts = tally.counts
    return Reach(
        consultation_id,
        tally.total,
        tally.first,
        tally.last,
        {
            "channel": _largest_first(counts["channel"]),
            "language": _largest_first(counts["language"]),
            "postcode": _merge_small(counts["postcode"]),
            "week": _every_week(counts["week"]),
        },
    )


def overview(
    session: Session,
    consultation_id: int | None = None,
    within: Collection[int] | None = None,
) -> Overview:
    """Count what reached one consultation (or all together) and each consultation beside it.

    Contributions staff marked as duplicates are not counted; postcode areas with fewer
    than SMALL_COUNT contributions are merged into OTHER, per consultation and overall.
    `within`, when given, keeps only those consultations (what a staff member may see).
    """
    tallies = {
        cid: tally for cid, tally in _tallies(session).items() if within is None or cid in within
    }
    chosen = _Tally()
    for cid, tally in tallies.items():
        if consultation_id is None or cid == consultation_id:
            chosen.absorb(tally)
    # Contributions filed under no consultation (an unrecognised paper form) come last.
    order = sorted(tallies, key=lambda cid: (cid is None, cid or 0))
    per_consultation = [_finish(cid, tallies[cid]) for cid in order]
    if consultation_id is None:
        # Add up what each consultation shows, so that no area merged there can be found
        # again by subtracting one consultation's figures from the total.
        chosen.counts["postcode"] = Counter()
        for reach in per_consultation:
            chosen.counts["postcode"].update(dict(reach.counts["postcode"]))
    return Overview(_finish(consultation_id, chosen), per_consultation)


def csv_rows(reaches: Iterable[Reach], slugs: Mapping[int | None, str]) -> Iterator[list[str]]:
    """Yield the long-format rows: a total per consultation, then each dimension's counts."""
    yield ["consultation", "dimension", "value", "count"]
    for reach in reaches:
        slug = slugs.get(reach.consultation_id, "")
        yield [slug, "total", "", str(reach.total)]
        for name in DIMENSIONS:
            for value, number in reach.counts[name]:
                yield [slug, name, value, str(number)]


def to_csv(
    reaches: Iterable[Reach],
    slugs: Mapping[int | None, str],
    separator: str = spreadsheet.DEFAULT_SEPARATOR,
    more: Iterable[list[str]] = (),
) -> str:
    """Render the long-format report as Excel in Belgium opens it: UTF-8 with BOM, ';'.

    `more` adds rows of the same four columns (the closed questions' counts).
    """
    return spreadsheet.write(itertools.chain(csv_rows(reaches, slugs), more), separator)
