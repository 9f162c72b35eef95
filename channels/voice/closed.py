"""Closed questions by phone: after the voicemail, each question in turn, by key or spoken.

The voicemail is stored first, as without questions: a caller who hangs up has still been
heard. Each question is then read with its keys; a key answers at once, a short spoken
answer is recorded and recognised later by a job (`jobs.hear_answer_job`). Star or silence
skips an optional question; a required one is asked once more, then left for a person.
Where the call stands is kept with the call's state, under `ASKING`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.orm import Session

from channels.voice.adapter import ANSWER_JOB, AWAITING_TRANSCRIPTION, VOICE, Recording
from intake import conversations, questions
from intake.evidence import AnswerEvidence
from intake.inbound import GivenAnswer
from intake.jobs import enqueue
from intake.models import ClosedQuestion, Contribution
from intake.receive import Receipt

ASKING = "asking"
SKIP_KEY = "*"
UNANSWERED = "question_unanswered"
# Option numbers as a caller says them, per language: "twee" answers option 2 as well.
SPOKEN_NUMBERS = {
    "nl": ("een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"),
    "fr": ("un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"),
    "en": ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
}
_NOT_A_WORD = re.compile(r"[^\w' ]+")


@dataclass
class Asking:
    """Where a call stands in the questions: the contribution, the questions, the one asked."""

    contribution_id: int
    reference: str
    ids: list[int]
    at: int = 0
    again: bool = False

    @classmethod
    def from_json(cls, raw: Any) -> Asking | None:
        """Read the state kept with the call, or None when no question is being asked."""
        return cls(**raw) if isinstance(raw, dict) else None


@dataclass(frozen=True)
class Step:
    """What the call does next: ask `question` (again, when `retry`), or thank and end."""

    question: ClosedQuestion | None
    number: int = 0
    total: int = 0
    retry: bool = False


def begin(session: Session, key_hash: str, consultation_id: int | None, receipt: Receipt) -> Step:
    """Start asking the consultation's questions about the stored voicemail; flush."""
    asked = questions.asked(session, consultation_id) if consultation_id is not None else []
    if not asked or conversations.current(session, VOICE, key_hash) is None:
        return Step(None)
    state = Asking(receipt.id, receipt.reference, [q.id for q in asked])
    _keep(session, key_hash, state)
    return _step(state, asked)


def load(session: Session, key_hash: str) -> tuple[Asking | None, list[ClosedQuestion]]:
    """Return where the call stands in its questions, and the questions still asked."""
    kept = conversations.current(session, VOICE, key_hash)
    state = Asking.from_json((kept.data or {}).get(ASKING)) if kept is not None else None
    if state is None or kept is None or kept.consultation_id is None:
        return None, []
    by_id = {q.id: q for q in questions.asked(session, kept.consultation_id)}
    return state, [by_id[i] for i in state.ids if i in by_id]


def pressed(
    session: Session, key_hash: str, state: Asking, asked: list[ClosedQuestion], digits: str
) -> Step:
    """Take a key: an option answers, star skips an optional question; else ask again."""
    question = _current(state, asked)
    if question is None:
        return _advance(session, key_hash, state, asked)
    options = {key for key, _label in question.labels_in("nl")}
    if digits in options:
        evidence = AnswerEvidence(source="key", key=digits)
        _store(session, state.contribution_id, GivenAnswer(question.id, digits, evidence))
        return _advance(session, key_hash, state, asked)
    if digits == SKIP_KEY and not question.required:
        return _advance(session, key_hash, state, asked)
    return _again(session, key_hash, state, asked, question)


def silent(session: Session, key_hash: str, state: Asking, asked: list[ClosedQuestion]) -> Step:
    """Take silence: an optional question is skipped, a required one asked once more."""
    question = _current(state, asked)
    if question is not None and question.required:
        return _again(session, key_hash, state, asked, question)
    return _advance(session, key_hash, state, asked)


def spoken(
    session: Session,
    key_hash: str,
    state: Asking,
    asked: list[ClosedQuestion],
    recording: Recording,
    language: str,
) -> Step:
    """Queue the spoken answer's download and recognition, then go on to the next question."""
    question = _current(state, asked)
    if question is not None:
        payload = {
            "contribution_id": state.contribution_id,
            "question_id": question.id,
            "language": language,
            "recording_sid": recording.sid,
            "url": recording.url,
        }
        # Erased while the call went on: the job only has Twilio's copy deleted.
        there = session.get(Contribution, state.contribution_id) is not None
        enqueue(
            session, ANSWER_JOB, payload, contribution_id=state.contribution_id if there else None
        )
    return _advance(session, key_hash, state, asked)


def option_phrases(question: ClosedQuestion, language: str) -> dict[str, list[str]]:
    """Return what a caller may say for each option: its label, and its number as a word."""
    numbers = SPOKEN_NUMBERS.get(language, SPOKEN_NUMBERS["nl"])
    phrases: dict[str, list[str]] = {}
    for key, label in question.labels_in(language):
        words = " ".join(_NOT_A_WORD.sub(" ", label.casefold()).split())
        phrases[key] = [p for p in (words, numbers[int(key) - 1]) if p]
    return phrases


def wait_for_person(contribution: Contribution, reason: str) -> None:
    """Ask a person to look, keeping a reason another step already gave."""
    contribution.needs_person = True
    if contribution.needs_person_reason in (None, AWAITING_TRANSCRIPTION):
        contribution.needs_person_reason = reason


def _current(state: Asking, asked: list[ClosedQuestion]) -> ClosedQuestion | None:
    return next((q for q in asked if q.id == state.ids[state.at]), None) if _more(state) else None


def _more(state: Asking) -> bool:
    return state.at < len(state.ids)


def _again(
    session: Session,
    key_hash: str,
    state: Asking,
    asked: list[ClosedQuestion],
    question: ClosedQuestion,
) -> Step:
    if not state.again:
        state.again = True
        _keep(session, key_hash, state)
        return _step(state, asked, retry=True)
    if question.required:
        contribution = session.get(Contribution, state.contribution_id)
        if contribution is not None:
            wait_for_person(contribution, UNANSWERED)
    return _advance(session, key_hash, state, asked)


def _advance(session: Session, key_hash: str, state: Asking, asked: list[ClosedQuestion]) -> Step:
    state.at, state.again = state.at + 1, False
    # Skip questions withdrawn while the call went on.
    while _more(state) and _current(state, asked) is None:
        state.at += 1
    _keep(session, key_hash, state)
    return _step(state, asked)


def _step(state: Asking, asked: list[ClosedQuestion], *, retry: bool = False) -> Step:
    question = _current(state, asked)
    if question is None:
        return Step(None)
    return Step(question, asked.index(question) + 1, len(asked), retry)


def _store(session: Session, contribution_id: int, answer: GivenAnswer) -> None:
    contribution = session.get(Contribution, contribution_id)
    if contribution is not None:  # erased while the call went on: nothing to answer
        questions.record_answers(session, contribution.id, contribution.contributor_id, [answer])


def _keep(session: Session, key_hash: str, state: Asking) -> None:
    kept = conversations.current(session, VOICE, key_hash)
    if kept is not None:
        kept.data = {**(kept.data or {}), ASKING: asdict(state)}
        session.flush()
