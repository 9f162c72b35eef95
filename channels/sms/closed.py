"""Closed questions by text: one a message, numbered options, after the open answer.

The open answer comes first and is stored at once, as without questions: a resident who
stops answering has still been heard. The thank-you then asks the first question; each
reply that reads as an option ("2", "2.", "twee", "oui") answers it and brings the next.
"2. and more benches" answers and adds the words to the contribution. An optional question
is skipped with VERDER, SUIVANT or NEXT. A longer text that is no answer is a new
contribution, as it would be without questions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from channels.sms import texts
from channels.sms.adapter import TwilioMessage
from intake import questions
from intake.conversations import Resident
from intake.db import Executor
from intake.evidence import AnswerEvidence
from intake.i18n import using_language
from intake.inbound import GivenAnswer
from intake.models import ClosedQuestion

STATE = "asking"
# What a resident may type that is still "an answer" when we cannot read it: ask again.
SHORT_WORDS = 2
TOKEN_MAX = 32
# Message ids of answers already taken, so that a retried webhook is not taken twice.
KEEP_SIDS = 8


@dataclass(frozen=True)
class Answering:
    """Answers to write to a stored contribution, and words to add to its text."""

    contribution_id: int
    given: tuple[GivenAnswer, ...]
    more_text: str = ""


@dataclass(frozen=True)
class Turn:
    """What one reply to a question does: the text back, and what to store."""

    language: str
    text: str
    answering: Answering | None = None
    retry: bool = False


def start(resident: Resident, asked: list[ClosedQuestion]) -> ClosedQuestion | None:
    """Begin asking `asked` after the contribution being stored; return the first question."""
    if not asked:
        resident.data.pop(STATE, None)
        return None
    resident.data[STATE] = {"id": None, "ref": None, "ids": [q.id for q in asked], "at": 0}
    return asked[0]


def stored(resident: Resident, contribution_id: int, reference: str) -> None:
    """Note which contribution the questions being asked belong to."""
    state = resident.data.get(STATE)
    if state is not None and state["id"] is None:
        state["id"], state["ref"] = contribution_id, reference


def ask(language: str, asked: list[ClosedQuestion], question: ClosedQuestion) -> str:
    """Return the text that asks `question`, in `language`."""
    with using_language(language):
        return texts.question(
            asked.index(question) + 1,
            len(asked),
            question.text_in(language),
            [label for _key, label in question.labels_in(language)],
            question.required,
        )


def reply(db: Executor, resident: Resident, message: TwilioMessage) -> Turn | None:
    """Take a reply to the question being asked; None when it is no answer but a new text."""
    state: dict[str, Any] | None = resident.data.get(STATE)
    if state is None or state["id"] is None or message.media or resident.consultation_id is None:
        return None
    asked = questions.asked(db, resident.consultation_id)
    by_id = {q.id: q for q in asked}
    pending = [by_id[i] for i in state["ids"] if i in by_id]
    language = resident.last_language
    if message.sid in state.get("sids", []):
        now = _at(state, by_id)
        return Turn(language, _next_text(language, pending, now, state), retry=True)
    question = _at(state, by_id)
    if question is None:
        resident.data.pop(STATE)
        return None
    body = message.body.strip()
    option, rest = questions.read_token(body, question), ""
    if option is None:
        split = questions.split_answer(body, question)
        if split is not None:
            option, rest = split
    if option is None:
        if len(body.split()) > SHORT_WORDS:
            resident.data.pop(STATE)
            return None
        return Turn(language, _again(language, texts.not_understood, pending, question))
    if option == questions.SKIP and question.required:
        return Turn(language, _again(language, texts.cannot_skip, pending, question))
    given: tuple[GivenAnswer, ...] = ()
    if option != questions.SKIP:
        token = body[: len(body) - len(rest)].strip() if rest else body
        evidence = AnswerEvidence(source="text", token=token[:TOKEN_MAX])
        given = (GivenAnswer(question.id, option, evidence),)
    state["at"] += 1
    state["sids"] = [*state.get("sids", []), message.sid][-KEEP_SIDS:]
    text = _next_text(language, pending, _at(state, by_id), state)
    return Turn(language, text, Answering(state["id"], given, rest))


def _at(state: dict[str, Any], by_id: dict[int, ClosedQuestion]) -> ClosedQuestion | None:
    ids = state["ids"]
    return by_id.get(ids[state["at"]]) if state["at"] < len(ids) else None


def _next_text(
    language: str,
    pending: list[ClosedQuestion],
    following: ClosedQuestion | None,
    state: dict[str, Any],
) -> str:
    if following is None:
        with using_language(language):
            return texts.answered(state["ref"])
    return ask(language, pending, following)


def _again(language: str, why: Any, pending: list[ClosedQuestion], question: ClosedQuestion) -> str:
    with using_language(language):
        said = why()
    return said + " " + ask(language, pending, question)
