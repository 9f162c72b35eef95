"""Closed questions, for every channel: define them, read an answer token, store answers.

Provider-free: a channel asks in its own way, then hands the option it understood (and how
it understood it, as `AnswerEvidence`) to `record_answer`. Option keys are "1", "2", … in
the order given, so "press 1", "text 1" and the first box on paper mean the same.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, aliased

from intake.db import Executor, insert
from intake.evidence import AnswerEvidence
from intake.i18n import LANGUAGES
from intake.i18n import lazy_gettext as _l
from intake.inbound import GivenAnswer
from intake.models import Answer, ClosedQuestion, Consultation, Contribution, QuestionKind, utcnow

CACHE_SECONDS = 5.0
_cache: dict[int, tuple[float, list[ClosedQuestion]]] = {}
MAX_QUESTIONS = 5
MIN_OPTIONS, MAX_OPTIONS = 2, 9
KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
SKIP = "skip"

YES_NO = [
    {"nl": "Ja", "fr": "Oui", "en": "Yes"},
    {"nl": "Nee", "fr": "Non", "en": "No"},
]
SCALE = [
    {"nl": "1 (helemaal oneens)", "fr": "1 (pas du tout d'accord)", "en": "1 (strongly disagree)"},
    {"nl": "2", "fr": "2", "en": "2"},
    {"nl": "3", "fr": "3", "en": "3"},
    {"nl": "4", "fr": "4", "en": "4"},
    {"nl": "5 (helemaal eens)", "fr": "5 (tout à fait d'accord)", "en": "5 (strongly agree)"},
]
# Words residents type for an option's number, in every language, the same on every channel.
NUMBER_WORDS = {
    "1": ("een", "één", "eén", "un", "une", "one"),
    "2": ("twee", "deux", "two"),
    "3": ("drie", "trois", "three"),
    "4": ("vier", "quatre", "four"),
    "5": ("vijf", "cinq", "five"),
    "6": ("zes", "six"),
    "7": ("zeven", "sept", "seven"),
    "8": ("acht", "huit", "eight"),
    "9": ("negen", "neuf", "nine"),
}
YES_WORDS = ("ja", "j", "oui", "o", "yes", "y")
NO_WORDS = ("nee", "neen", "n", "non", "no")
SKIP_WORDS = ("verder", "volgende", "suivant", "passer", "next", "skip")
# An option number that leads a longer message ("2. meer bomen"); words are never taken so,
# since "een bankje" and "un banc" begin with a number word.
LEADING = re.compile(r"^\s*([1-9])\s*(?:[.):,;-]\s*|\s+)(\S.*)$", re.DOTALL)
LEADING_YES_NO = re.compile(r"^\s*([^\W\d_]+)\s*[,.:;!-]\s*(\S.*)$", re.DOTALL)


def paper_field(key: str) -> str:
    """Return the name of the printed form's field that holds a question's boxes."""
    return f"question:{key}"


class QuestionError(Exception):
    """Closed questions cannot be saved as given; the message says why."""


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.strip(" .!?)")


_NUMBERS = {_fold(word): key for key, words in NUMBER_WORDS.items() for word in words}


def current(session: Session, consultation_id: int) -> list[ClosedQuestion]:
    """Return the consultation's questions as residents are asked them now, in order."""
    return list(
        session.scalars(
            select(ClosedQuestion)
            .where(
                ClosedQuestion.consultation_id == consultation_id,
                ClosedQuestion.retired_at.is_(None),
            )
            .order_by(ClosedQuestion.position, ClosedQuestion.id)
        )
    )


def asked(db: Executor, consultation_id: int) -> list[ClosedQuestion]:
    """Return `current` as read-only copies, cached for a few seconds (every text asks).

    Another process's edit shows within CACHE_SECONDS, this process's own at once.
    """
    hit = _cache.get(consultation_id)
    if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    connection = db.connection() if isinstance(db, Session) else db
    with Session(bind=connection) as session:
        found = current(session, consultation_id)
        session.expunge_all()
    _cache[consultation_id] = (time.monotonic(), found)
    return found


def forget_cached() -> None:
    """Drop cached questions after a change."""
    _cache.clear()


def read_token(text: str, question: ClosedQuestion) -> str | None:
    """Return the option key `text` names ("1", "1.", "een", "oui", a label), SKIP, or None."""
    token = _fold(text)
    count = len(question.options)
    if token.isdigit():
        return token if 1 <= int(token) <= count else None
    if token in _NUMBERS:
        key = _NUMBERS[token]
        return key if int(key) <= count else None
    if question.kind == QuestionKind.YES_NO:
        if token in YES_WORDS:
            return "1"
        if token in NO_WORDS:
            return "2"
    if token in SKIP_WORDS:
        return SKIP
    for language in LANGUAGES:
        for key, label in question.labels_in(language):
            if token == _fold(label):
                return key
    return None


def split_answer(text: str, question: ClosedQuestion) -> tuple[str, str] | None:
    """Return (option, the rest) for "2 more trees" or "oui, plus d'arbres", else None."""
    for pattern in (LEADING, LEADING_YES_NO):
        match = pattern.match(text)
        if match is None:
            continue
        first, rest = match.group(1), match.group(2).strip()
        if pattern is LEADING_YES_NO and question.kind != QuestionKind.YES_NO:
            continue
        option = read_token(first, question)
        if option is not None and option != SKIP:
            return option, rest
    return None


def choices_in(form: Mapping[str, str], prefix: str) -> dict[str, str]:
    """Return the options ticked on a posted form, by question key (fields `prefix` + key)."""
    return {
        name.removeprefix(prefix): value
        for name, value in form.items()
        if name.startswith(prefix) and value
    }


def check_choices(
    choices: Mapping[str, str], asked: Sequence[ClosedQuestion], prefix: str
) -> dict[str, str]:
    """Return a message per question (by `prefix` + key) left out while required, or odd."""
    errors: dict[str, str] = {}
    for question in asked:
        chosen = choices.get(question.key)
        if chosen is not None and chosen not in {key for key, _label in question.labels_in("nl")}:
            errors[prefix + question.key] = str(_l("Kies een van de antwoorden."))
        elif chosen is None and question.required:
            errors[prefix + question.key] = str(_l("Deze vraag is verplicht. Kies een antwoord."))
    return errors


def given_choices(
    choices: Mapping[str, str], asked: Sequence[ClosedQuestion], evidence: AnswerEvidence
) -> tuple[GivenAnswer, ...]:
    """Return the answers ticked on a form (checked by `check_choices`), by question key."""
    return tuple(
        GivenAnswer(question.id, choices[question.key], evidence)
        for question in asked
        if question.key in choices
    )


def of_consultation(
    db: Executor, consultation_id: int | None, given: Sequence[GivenAnswer]
) -> tuple[GivenAnswer, ...]:
    """Keep the answers to this consultation's questions that name one of their options.

    A form printed long ago may name a question since removed, or another consultation's.
    """
    if consultation_id is None or not given:
        return ()
    counts = dict(
        db.execute(
            select(ClosedQuestion.id, ClosedQuestion.options).where(
                ClosedQuestion.consultation_id == consultation_id,
                ClosedQuestion.id.in_([answer.question_id for answer in given]),
            )
        ).all()
    )
    return tuple(
        answer
        for answer in given
        if answer.option.isdigit()
        and 1 <= int(answer.option) <= len(counts.get(answer.question_id) or ())
    )


def record_answers(
    db: Executor, contribution_id: int, contributor_id: int | None, given: Sequence[GivenAnswer]
) -> None:
    """Store a contribution's answers (replacing its earlier ones to the same questions).

    The same resident's answers to the same questions on their other contributions, through
    any channel, are marked superseded: the latest is the one that counts. Core statements
    only, so the web form's write turn (a connection) and a session both can call it.
    """
    if not given:
        return
    ids = [answer.question_id for answer in given]
    counts = dict(
        db.execute(
            select(ClosedQuestion.id, ClosedQuestion.options).where(ClosedQuestion.id.in_(ids))
        ).all()
    )
    for answer in given:
        options = counts.get(answer.question_id)
        if (
            options is None
            or not answer.option.isdigit()
            or not 1 <= int(answer.option) <= len(options)
        ):
            raise QuestionError(f"no option {answer.option!r} to question {answer.question_id}")
    now = utcnow()
    db.execute(
        delete(Answer).where(Answer.contribution_id == contribution_id, Answer.question_id.in_(ids))
    )
    db.execute(
        insert(db, Answer),
        [
            {
                "contribution_id": contribution_id,
                "question_id": answer.question_id,
                "option": answer.option,
                "evidence": answer.evidence.to_json(),
                "answered_at": now,
                "superseded_at": None,
            }
            for answer in given
        ],
    )
    if contributor_id is not None:
        _supersede_others(db, contribution_id, contributor_id, ids, now)


def _supersede_others(
    db: Executor, contribution_id: int, contributor_id: int, ids: list[int], now: datetime
) -> None:
    answered = aliased(ClosedQuestion)
    same_question = (
        select(ClosedQuestion.id)
        .join(
            answered,
            (answered.consultation_id == ClosedQuestion.consultation_id)
            & (answered.key == ClosedQuestion.key),
        )
        .where(answered.id.in_(ids))
    )
    same_resident = select(Contribution.id).where(
        Contribution.contributor_id == contributor_id, Contribution.id != contribution_id
    )
    db.execute(
        update(Answer)
        .where(
            Answer.question_id.in_(same_question),
            Answer.contribution_id.in_(same_resident),
            Answer.superseded_at.is_(None),
        )
        .values(superseded_at=now)
        .execution_options(synchronize_session=False)
    )


def correct(session: Session, answer: Answer, option: str, staff_id: int) -> None:
    """Change an answer as staff read its evidence; keep what it was; flush only."""
    if option not in {key for key, _label in answer.question.labels_in("nl")}:
        raise QuestionError(f"no option {option!r}")
    before = AnswerEvidence.from_json(answer.evidence)
    evidence = AnswerEvidence(
        **{**before.to_json(), "corrected_by": staff_id, "previous": answer.option}
    )
    answer.option = option
    answer.evidence = evidence.to_json()
    session.flush()


def is_answered(session: Session, question: ClosedQuestion) -> bool:
    """Tell whether any answer refers to this version of the question."""
    found = session.scalar(select(Answer.id).where(Answer.question_id == question.id).limit(1))
    return found is not None


def _texts(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, Mapping) or not str(raw.get("nl", "")).strip():
        raise QuestionError(f"{where} needs at least its Dutch text (nl)")
    unknown = set(raw) - set(LANGUAGES)
    if unknown:
        raise QuestionError(f"{where}: unknown languages {', '.join(sorted(unknown))}")
    return {language: str(text).strip() for language, text in raw.items() if str(text).strip()}


def _spec(raw: Mapping[str, Any], position: int) -> dict[str, Any]:
    key = str(raw.get("key", ""))
    if not KEY.match(key):
        raise QuestionError(f"question {position}: key must be lowercase letters and digits")
    kind = str(raw.get("kind", QuestionKind.CHOICE))
    if kind not in set(QuestionKind):
        raise QuestionError(f"question {key}: kind must be choice, yes_no or scale")
    given = raw.get("options") or []
    if kind == QuestionKind.CHOICE and not MIN_OPTIONS <= len(given) <= MAX_OPTIONS:
        raise QuestionError(f"question {key}: a choice has {MIN_OPTIONS} to {MAX_OPTIONS} options")
    default = {QuestionKind.YES_NO: YES_NO, QuestionKind.SCALE: SCALE}.get(QuestionKind(kind))
    if default is not None and given and len(given) != len(default):
        raise QuestionError(f"question {key}: {kind} has {len(default)} options")
    options = [
        _texts(option, f"question {key}, option {n}") for n, option in enumerate(given, 1)
    ] or [dict(texts) for texts in default or []]
    return {
        "key": key,
        "kind": kind,
        "required": bool(raw.get("required", False)),
        "texts": _texts(raw.get("texts"), f"question {key}"),
        "options": options,
        "position": position,
    }


def _next_version(session: Session, consultation: Consultation, key: str) -> int:
    if consultation.id is None:
        return 1
    versions = session.scalars(
        select(ClosedQuestion.version).where(
            ClosedQuestion.consultation_id == consultation.id, ClosedQuestion.key == key
        )
    )
    return max(versions, default=0) + 1


def _same(question: ClosedQuestion, spec: Mapping[str, Any]) -> bool:
    return (
        question.kind == spec["kind"]
        and question.texts == spec["texts"]
        and question.options == spec["options"]
    )


def save(
    session: Session, consultation: Consultation, entries: Sequence[Mapping[str, Any]]
) -> None:
    """Make the consultation ask exactly these questions, in this order; flush only.

    A question nobody answered yet is edited in place; an answered one keeps its version
    for its answers and a new version takes its place (or it is retired, when left out).
    """
    if len(entries) > MAX_QUESTIONS:
        raise QuestionError(f"at most {MAX_QUESTIONS} closed questions")
    specs = [_spec(entry, n) for n, entry in enumerate(entries, 1)]
    if len({spec["key"] for spec in specs}) != len(specs):
        raise QuestionError("each question needs its own key")
    existing = {q.key: q for q in current(session, consultation.id)} if consultation.id else {}
    now = utcnow()
    for spec in specs:
        question = existing.pop(spec["key"], None)
        if question is not None and is_answered(session, question) and not _same(question, spec):
            question.retired_at = now
            question = None
        if question is None:
            question = ClosedQuestion(consultation=consultation)
            spec["version"] = _next_version(session, consultation, spec["key"])
            session.add(question)
        for name, value in spec.items():
            setattr(question, name, value)
    for question in existing.values():
        if is_answered(session, question):
            question.retired_at = now
        else:
            session.delete(question)
    session.flush()
    forget_cached()


def as_entries(questions: Sequence[ClosedQuestion]) -> list[dict[str, Any]]:
    """Return questions in the shape `save` takes (and the TOML file holds)."""
    return [
        {
            "key": q.key,
            "kind": q.kind,
            "required": q.required,
            "texts": dict(q.texts),
            "options": [dict(texts) for texts in q.options],
        }
        for q in questions
    ]
