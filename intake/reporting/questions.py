"""How residents answered the closed questions: counts per option, by channel and language."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from intake.models import Answer, ClosedQuestion, Contribution, ContributionStatus
from intake.reporting.charts import BarChart, bar_chart


@dataclass(frozen=True)
class OptionCount:
    """One option: its label, how many chose it, and how many of them per channel and language."""

    key: str
    label: str
    total: int
    per_channel: dict[str, int]
    per_language: dict[str, int]


@dataclass(frozen=True)
class QuestionTally:
    """One version of a question and the answers it got, each resident counted once."""

    key: str
    version: int
    current: bool
    text: str
    options: list[OptionCount]
    channels: list[str]
    languages: list[str]

    @property
    def total(self) -> int:
        """Return how many answered this version."""
        return sum(option.total for option in self.options)

    @property
    def column_totals(self) -> Counter[str]:
        """Return how many answered per channel and per language (their names never clash)."""
        found: Counter[str] = Counter()
        for option in self.options:
            found.update(option.per_channel)
            found.update(option.per_language)
        return found

    @property
    def chart(self) -> BarChart:
        """Return the counts per option as a bar chart."""
        return bar_chart(self.text, [(option.label, option.total) for option in self.options])


def csv_rows(tallies: Iterable[QuestionTally], slug: str) -> Iterator[list[str]]:
    """Yield reach-report rows: per option its count, then per channel and per language.

    The dimension names the question (`question:often`, `question:often@2` for a later
    version) and what the count is split by (`question:often:channel:sms`).
    """
    for found in tallies:
        name = f"question:{found.key}" + (f"@{found.version}" if found.version > 1 else "")
        for option in found.options:
            yield [slug, name, option.key, str(option.total)]
            for channel, n in sorted(option.per_channel.items()):
                yield [slug, f"{name}:channel:{channel}", option.key, str(n)]
            for written_in, n in sorted(option.per_language.items()):
                yield [slug, f"{name}:language:{written_in}", option.key, str(n)]


def tally(session: Session, consultation_id: int, language: str) -> list[QuestionTally]:
    """Count the answers to every question asked now, and to older versions that got answers.

    An answer counts once: not when the same resident answered again later (superseded),
    nor when staff marked its contribution a duplicate.
    """
    query = (
        select(
            Answer.question_id,
            Answer.option,
            Contribution.channel,
            Contribution.language,
            func.count(),
        )
        .join(Contribution, Contribution.id == Answer.contribution_id)
        .where(
            Contribution.consultation_id == consultation_id,
            Contribution.status != ContributionStatus.DUPLICATE,
            Answer.superseded_at.is_(None),
        )
        .group_by(Answer.question_id, Answer.option, Contribution.channel, Contribution.language)
    )
    counts: dict[int, list[tuple[str, str, str, int]]] = {}
    for question_id, option, channel, written_in, n in session.execute(query):
        counts.setdefault(question_id, []).append((option, channel, written_in, int(n)))
    asked = session.scalars(
        select(ClosedQuestion)
        .where(
            ClosedQuestion.consultation_id == consultation_id,
            or_(ClosedQuestion.retired_at.is_(None), ClosedQuestion.id.in_(list(counts))),
        )
        .order_by(
            ClosedQuestion.retired_at.is_not(None), ClosedQuestion.position, ClosedQuestion.version
        )
    )
    return [_tally(question, counts.get(question.id, []), language) for question in asked]


def _tally(
    question: ClosedQuestion, rows: list[tuple[str, str, str, int]], language: str
) -> QuestionTally:
    totals: Counter[str] = Counter()
    channels: dict[str, Counter[str]] = {}
    languages: dict[str, Counter[str]] = {}
    for option, channel, written_in, n in rows:
        totals[option] += n
        channels.setdefault(option, Counter())[channel] += n
        languages.setdefault(option, Counter())[written_in] += n
    options = [
        OptionCount(
            key,
            label,
            totals[key],
            dict(channels.get(key, {})),
            dict(languages.get(key, {})),
        )
        for key, label in question.labels_in(language)
    ]
    return QuestionTally(
        key=question.key,
        version=question.version,
        current=question.retired_at is None,
        text=question.text_in(language),
        options=options,
        channels=sorted({channel for _o, channel, _l, _n in rows}),
        languages=sorted({written_in for _o, _c, written_in, _n in rows}),
    )
