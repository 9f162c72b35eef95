"""Closed questions in the chat: one at a time after the thank-you, a button per option.

The contribution is stored first, as without questions: a resident who stops answering has
still been heard. Each question then comes as its own message with one inline button per
option (and "Verder" under an optional one). A tap carries `q:<question id>:<option>`,
which is checked against the question being asked now: a tap on an older message, a
second tap, or a made-up callback changes nothing and is told so in the button's own
notice. The resident may also type the answer ("1", "oui", an option's text); a short text
that is no answer brings the question again, a longer one is a new contribution.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from sqlalchemy.orm import Session

from channels.telegram import texts
from channels.telegram.adapter import EDIT_JOB, Choice
from channels.telegram.client import Buttons
from intake import questions
from intake.evidence import AnswerEvidence
from intake.inbound import GivenAnswer
from intake.jobs import enqueue
from intake.models import ClosedQuestion, Contribution, Contributor, ConversationState

STATE = "asking"
ANSWER_CHOICE = "q:"
# A typed reply this short that reads as no option is a try at answering: ask again.
SHORT_WORDS = 2
TOKEN_MAX = 32


@dataclass(frozen=True)
class Asking:
    """The question being asked now, among those asked after one contribution."""

    contribution_id: int
    reference: str
    asked: list[ClosedQuestion]
    at: int

    @property
    def question(self) -> ClosedQuestion:
        """Return the question waiting for its answer."""
        return self.asked[self.at]


def buttons_for(question: ClosedQuestion, language: str) -> Buttons:
    """Return one row per option (wide buttons, easy to hit), then "Verder" if optional."""
    rows = [
        [(label, f"{ANSWER_CHOICE}{question.id}:{key}")]
        for key, label in question.labels_in(language)
    ]
    if not question.required:
        rows.append([(texts.skip_button(), f"{ANSWER_CHOICE}{question.id}:{questions.SKIP}")])
    return rows


def read_tap(data: str) -> tuple[int, str] | None:
    """Return (question id, option) from a button's callback data, or None if malformed."""
    raw_id, _, option = data.removeprefix(ANSWER_CHOICE).partition(":")
    if not raw_id.isdigit() or not option:
        return None
    return int(raw_id), option


class AskingQuestions(ABC):
    """The closed-question half of a Turn (see `dialogue.Turn`, which provides these)."""

    session: Session
    state: ConversationState
    contributor: Contributor
    language: str

    @abstractmethod
    def _say(self, text: str, *, contribution_id: int | None = None) -> None:
        """Queue a message to the resident's chat."""

    @abstractmethod
    def _ask(self, text: str, buttons: Buttons) -> None:
        """Queue a message with answer buttons to the resident's chat."""

    def _begin_questions(self, consultation_id: int, contribution_id: int, reference: str) -> None:
        """Ask the consultation's closed questions about the contribution just stored."""
        asked = questions.asked(self.session, consultation_id)
        if not asked:
            self._stop_asking()
            return
        kept = {"consultation": consultation_id, "id": contribution_id, "ref": reference, "at": 0}
        self.state.data = {**self.state.data, STATE: kept}
        self._ask_current(Asking(contribution_id, reference, asked, 0))

    def _stop_asking(self) -> None:
        if STATE in self.state.data:
            self.state.data = {k: v for k, v in self.state.data.items() if k != STATE}

    def _asking(self) -> Asking | None:
        kept = self.state.data.get(STATE)
        if kept is None:
            return None
        asked = questions.asked(self.session, kept["consultation"])
        if kept["at"] >= len(asked):  # a question was withdrawn meanwhile
            self._stop_asking()
            return None
        return Asking(kept["id"], kept["ref"], asked, kept["at"])

    def _ask_current(self, asking: Asking, lead: str | None = None) -> None:
        question = asking.question
        text = texts.closed_question(
            asking.at + 1,
            len(asking.asked),
            question.text_in(self.language),
            question.required,
            lead,
        )
        self._ask(text, buttons_for(question, self.language))

    def _typed_answer(self, typed: str) -> bool:
        """Take a typed reply as the answer to the question asked now; False if it is none."""
        asking = self._asking()
        if asking is None:
            return False
        question = asking.question
        option = questions.read_token(typed, question)
        if option is None:
            if len(typed.split()) > SHORT_WORDS:
                self._stop_asking()  # a new contribution, not an answer
                return False
            self._ask_current(asking, texts.not_understood())
        elif option == questions.SKIP and question.required:
            self._ask_current(asking, texts.cannot_skip())
        else:
            evidence = AnswerEvidence(source="text", token=typed.strip()[:TOKEN_MAX])
            self._take(asking, option, evidence, None)
        return True

    def _tapped(self, choice: Choice) -> str | None:
        """Take a tap on an answer button; return the notice to show on it, if any."""
        asking = self._asking()
        tap = read_tap(choice.data)
        if asking is None or tap is None or tap[0] != asking.question.id:
            # Only told: the data may be made up, and the message tapped the current one.
            return texts.not_current()
        question, option = asking.question, tap[1]
        if option == questions.SKIP and question.required:
            return texts.cannot_skip()
        keys = {key for key, _label in question.labels_in(self.language)}
        if option != questions.SKIP and option not in keys:
            return texts.not_current()
        self._take(asking, option, AnswerEvidence(source="button", key=option), choice.message_id)
        return None

    def _take(
        self, asking: Asking, option: str, evidence: AnswerEvidence, message_id: int | None
    ) -> None:
        """Store the answer (or the skip), show it on the question, ask the next one."""
        question = asking.question
        contribution = self.session.get(Contribution, asking.contribution_id)
        if contribution is None:  # erased meanwhile: nothing to answer about
            self._stop_asking()
            return
        labels = dict(question.labels_in(self.language))
        if option != questions.SKIP:
            given = [GivenAnswer(question.id, option, evidence)]
            questions.record_answers(
                self.session, contribution.id, contribution.contributor_id, given
            )
        shown = texts.closed_answer(question.text_in(self.language), labels.get(option))
        self._edit(message_id, shown)
        following = Asking(asking.contribution_id, asking.reference, asking.asked, asking.at + 1)
        if following.at < len(following.asked):
            self.state.data = {
                **self.state.data,
                STATE: {**self.state.data[STATE], "at": following.at},
            }
            self._ask_current(following)
        else:
            self._stop_asking()
            self._say(texts.answered(asking.reference), contribution_id=asking.contribution_id)

    def _edit(self, message_id: int | None, text: str) -> None:
        """Queue taking the buttons off a question the resident answered, showing `text`."""
        who = self.contributor
        if message_id is None or who.address is None or who.unreachable:
            return
        payload = {"contributor_id": who.id, "message_id": message_id, "text": text}
        enqueue(self.session, EDIT_JOB, payload, contributor_id=who.id)
