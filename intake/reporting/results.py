"""What a consultation's public results page shows: counts, themes, quotes and decisions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from intake.models import (
    Consultation,
    ConsultationStatus,
    Contribution,
    ContributionStatus,
    ContributionTheme,
    Decision,
    ReviewState,
    Theme,
    ThemeStatus,
    utcnow,
)

TIMEZONE = ZoneInfo("Europe/Brussels")
QUOTES_PER_THEME = 3
GENERAL_QUOTES = 6
# A resident's own words are cut here; a quote staff wrote may be this long at most.
QUOTE_LENGTH = 240
QUOTE_MAX = 400
_LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "en": "en_GB"}


@dataclass(frozen=True)
class Quote:
    """Words staff allowed to publish, with the channel and language they came in."""

    text: str
    channel: str
    language: str


@dataclass(frozen=True)
class ThemeResult:
    """A theme staff confirmed: its name, how many contributions it holds, a few quotes."""

    label: str
    language: str
    count: int
    quotes: list[Quote] = field(default_factory=list)


@dataclass(frozen=True)
class DecisionText:
    """A decision as one reader sees it: in their language, or the nearest one written."""

    decided_on: date
    title: str
    body: str
    language: str


@dataclass(frozen=True)
class Results:
    """Everything the results page shows, none of it personal."""

    total: int
    per_channel: list[tuple[str, int]]
    per_language: list[tuple[str, int]]
    themes: list[ThemeResult]
    general: list[Quote]
    decisions: list[DecisionText]


def shorten(text: str, limit: int = QUOTE_LENGTH) -> str:
    """Cut `text` to at most `limit` characters at a word boundary, marking the cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:-") + "…"


def _counted(consultation_id: int) -> list[ColumnElement[bool]]:
    # Duplicates repeat a voice already counted; everything else counts once.
    return [
        Contribution.consultation_id == consultation_id,
        Contribution.status != ContributionStatus.DUPLICATE,
    ]


def _counts(session: Session, consultation_id: int) -> Counter[tuple[str, str]]:
    query = (
        select(Contribution.channel, Contribution.language, func.count())
        .where(*_counted(consultation_id))
        .group_by(Contribution.channel, Contribution.language)
    )
    return Counter({(channel, language): n for channel, language, n in session.execute(query)})


def _themes(session: Session, consultation_id: int) -> list[tuple[Theme, int]]:
    members = (
        select(ContributionTheme.theme_id, func.count().label("n"))
        .join(Contribution, Contribution.id == ContributionTheme.contribution_id)
        .where(*_counted(consultation_id))
        .group_by(ContributionTheme.theme_id)
        .subquery()
    )
    count = func.coalesce(members.c.n, 0)
    query = (
        select(Theme, count)
        .outerjoin(members, members.c.theme_id == Theme.id)
        .where(Theme.consultation_id == consultation_id, Theme.status == ThemeStatus.CONFIRMED)
        .order_by(count.desc(), Theme.id)
    )
    return [(theme, int(n)) for theme, n in session.execute(query)]


def _quotes(session: Session, consultation_id: int) -> list[tuple[int | None, Quote]]:
    # Each confirmed theme's closest members first; quotes outside one share a NULL partition.
    rank = (
        func.row_number()
        .over(
            partition_by=Theme.id,
            order_by=(func.coalesce(ContributionTheme.score, 0).desc(), Contribution.id),
        )
        .label("rank")
    )
    has_quote = and_(ReviewState.public_quote.is_not(None), ReviewState.public_quote != "")
    ranked = (
        select(Theme.id, ReviewState.public_quote, Contribution.text, Contribution.channel)
        .add_columns(Contribution.language, rank)
        .join(ReviewState, ReviewState.contribution_id == Contribution.id)
        .outerjoin(ContributionTheme, ContributionTheme.contribution_id == Contribution.id)
        .outerjoin(
            Theme,
            and_(Theme.id == ContributionTheme.theme_id, Theme.status == ThemeStatus.CONFIRMED),
        )
        .where(*_counted(consultation_id), ReviewState.publishable)
        .where(or_(has_quote, Contribution.text != ""))
        .subquery()
    )
    limit = max(QUOTES_PER_THEME, GENERAL_QUOTES)
    query = select(ranked).where(ranked.c.rank <= limit).order_by(ranked.c.id, ranked.c.rank)
    return [
        (row.id, Quote(row.public_quote or shorten(row.text), row.channel, row.language))
        for row in session.execute(query)
    ]


def _largest_first(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _written_in(texts: dict[str, Any], language: str) -> str:
    # The same order of preference as Theme.label_in and Decision.text_in.
    return next((c for c in (language, "nl", *sorted(texts)) if texts.get(c)), language)


def _decision_text(decision: Decision, language: str) -> DecisionText:
    text = decision.text_in(language)
    written = _written_in(decision.texts, language)
    return DecisionText(decision.decided_on, text["title"], text["body"], written)


def results_of(session: Session, consultation: Consultation, language: str) -> Results:
    """Gather the public results of `consultation` in a handful of grouped queries."""
    counts = _counts(session, consultation.id)
    per_channel: Counter[str] = Counter()
    per_language: Counter[str] = Counter()
    for (channel, written_in), n in counts.items():
        per_channel[channel] += n
        per_language[written_in] += n
    quotes: dict[int | None, list[Quote]] = {}
    for theme_id, quote in _quotes(session, consultation.id):
        quotes.setdefault(theme_id, []).append(quote)
    themes = [
        ThemeResult(
            theme.label_in(language),
            _written_in(theme.labels, language),
            n,
            quotes.get(theme.id, [])[:QUOTES_PER_THEME],
        )
        for theme, n in _themes(session, consultation.id)
    ]
    decisions = [
        _decision_text(decision, language)
        for decision in session.scalars(
            select(Decision)
            .where(Decision.consultation_id == consultation.id)
            .order_by(Decision.decided_on.desc(), Decision.id.desc())
        )
    ]
    return Results(
        total=sum(counts.values()),
        per_channel=_largest_first(per_channel),
        per_language=_largest_first(per_language),
        themes=themes,
        general=quotes.get(None, [])[:GENERAL_QUOTES],
        decisions=decisions,
    )


def finished(session: Session) -> list[Consultation]:
    """Return the consultations residents can no longer answer but may read about, newest first."""
    now = utcnow()
    query = select(Consultation).where(Consultation.status != ConsultationStatus.DRAFT)
    found = session.scalars(query.order_by(Consultation.id.desc()))
    # An open consultation that has not begun yet has nothing to read about.
    return [
        c
        for c in found
        if c.status == ConsultationStatus.CLOSED or (c.closes_at is not None and c.closes_at <= now)
    ]


def long_date(value: date | datetime | None, language: str) -> str:
    """Write a day the way a reader of `language` in Belgium does ("3 maart 2026")."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(TIMEZONE).date()
    return format_date(value, format="long", locale=_LOCALES.get(language, "nl_BE"))
