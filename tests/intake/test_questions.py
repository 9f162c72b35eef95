"""Closed questions: saved from plain data, versioned once answered, answers read and counted."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from intake import privacy, questions
from intake.consultations import ConsultationError, load_toml
from intake.evidence import AnswerEvidence
from intake.inbound import GivenAnswer, Inbound, Sender
from intake.models import Answer, ClosedQuestion, Contribution
from intake.receive import receive
from intake.reporting import export
from tests.support.questions import PARK_QUESTIONS, park

WEB = AnswerEvidence(source="web")


def _contribution(session: Session, consultation_id: int, channel: str, who: str) -> Contribution:
    sender = Sender(kind="phone", address_hash=who, confirmed=True)
    receipt = receive(
        session,
        Inbound(channel=channel, language="fr", consultation_id=consultation_id, sender=sender),
    )
    contribution = session.get(Contribution, receipt.id)
    assert contribution is not None
    return contribution


def _answer(
    session: Session,
    contribution: Contribution,
    question: ClosedQuestion,
    option: str,
    evidence: AnswerEvidence,
) -> Answer:
    given = [GivenAnswer(question.id, option, evidence)]
    questions.record_answers(session, contribution.id, contribution.contributor_id, given)
    return session.scalars(
        select(Answer).where(
            Answer.contribution_id == contribution.id, Answer.question_id == question.id
        )
    ).one()


def test_questions_load_in_order_with_default_yes_no_options(session: Session) -> None:
    consultation = park(session)
    often, dogs = questions.current(session, consultation.id)
    assert (often.key, often.required, dogs.key, dogs.required) == ("often", True, "dogs", False)
    assert often.labels_in("fr")[2] == ("3", "Rarement")
    assert dogs.labels_in("en") == [("1", "Yes"), ("2", "No")]


@pytest.mark.parametrize(
    ("typed", "option"),
    [
        ("1", "1"),
        ("1.", "1"),
        (" 2) ", "2"),
        ("een", "1"),
        ("un", "1"),
        ("One", "1"),
        ("deux", "2"),
        ("rarement", "3"),
        ("4", None),
        ("vier", None),
        ("suivant", questions.SKIP),
        ("verder", questions.SKIP),
        ("next", questions.SKIP),
        ("bomen", None),
    ],
)
def test_a_choice_is_read_from_digits_number_words_and_labels(
    session: Session, typed: str, option: str | None
) -> None:
    often = questions.current(session, park(session).id)[0]
    assert questions.read_token(typed, often) == option


@pytest.mark.parametrize(
    ("typed", "option"),
    [
        ("ja", "1"),
        ("Oui!", "1"),
        ("yes", "1"),
        ("nee", "2"),
        ("non", "2"),
        ("No.", "2"),
        ("2", "2"),
    ],
)
def test_yes_and_no_are_read_in_three_languages(session: Session, typed: str, option: str) -> None:
    dogs = questions.current(session, park(session).id)[1]
    assert questions.read_token(typed, dogs) == option


def test_an_answer_and_open_text_are_split_only_where_unambiguous(session: Session) -> None:
    often, dogs = questions.current(session, park(session).id)
    assert questions.split_answer("2. Plus d'arbres", often) == ("2", "Plus d'arbres")
    assert questions.split_answer("3 meer bomen", often) == ("3", "meer bomen")
    assert questions.split_answer("een bankje bij de vijver", often) is None
    assert questions.split_answer("7. meer bomen", often) is None
    assert questions.split_answer("oui, plus d'arbres", dogs) == ("1", "plus d'arbres")
    assert questions.split_answer("non merci pour les chiens", dogs) is None


def test_editing_an_answered_question_makes_a_new_version(session: Session) -> None:
    consultation = park(session)
    often = questions.current(session, consultation.id)[0]
    edited = copy.deepcopy(PARK_QUESTIONS)
    edited[0]["texts"]["nl"] = "Hoe vaak komt u in het park?"
    questions.save(session, consultation, edited)
    assert questions.current(session, consultation.id)[0].id == often.id  # not yet answered
    contribution = _contribution(session, consultation.id, "web", "a")
    _answer(session, contribution, often, "2", WEB)
    edited[0]["texts"]["nl"] = "Hoe vaak zou u komen?"
    questions.save(session, consultation, edited)
    now = questions.current(session, consultation.id)[0]
    assert (now.version, now.text_in("nl")) == (2, "Hoe vaak zou u komen?")
    answer = session.scalars(select(Answer)).one()
    assert (answer.question.version, answer.question.text_in("nl")) == (
        1,
        "Hoe vaak komt u in het park?",
    )
    questions.save(session, consultation, edited[1:])
    assert [q.key for q in questions.current(session, consultation.id)] == ["dogs"]
    assert session.scalar(select(ClosedQuestion).where(ClosedQuestion.version == 2)) is None


def test_a_resident_who_answers_again_elsewhere_counts_once(session: Session) -> None:
    consultation = park(session)
    often = questions.current(session, consultation.id)[0]
    by_web = _contribution(session, consultation.id, "web", "same")
    by_sms = _contribution(session, consultation.id, "sms", "same")
    other = _contribution(session, consultation.id, "sms", "other")
    _answer(session, by_web, often, "1", WEB)
    _answer(session, other, often, "1", WEB)
    texted = AnswerEvidence(source="text", token="3")
    _answer(session, by_sms, often, "3", texted)
    counted = session.scalars(select(Answer).where(Answer.superseded_at.is_(None))).all()
    assert sorted(a.option for a in counted) == ["1", "3"]
    assert AnswerEvidence.from_json(by_sms.closed_answers[0].evidence) == texted


def test_staff_correction_keeps_what_the_answer_was(session: Session) -> None:
    consultation = park(session)
    often = questions.current(session, consultation.id)[0]
    contribution = _contribution(session, consultation.id, "web", "a")
    answer = _answer(session, contribution, often, "1", WEB)
    questions.correct(session, answer, "2", staff_id=7)
    evidence = AnswerEvidence.from_json(answer.evidence)
    assert (answer.option, evidence.previous, evidence.corrected_by) == ("2", "1", 7)
    with pytest.raises(questions.QuestionError):
        questions.correct(session, answer, "9", staff_id=7)


def test_answers_are_erased_with_their_contribution(session: Session) -> None:
    consultation = park(session)
    often = questions.current(session, consultation.id)[0]
    kept = _contribution(session, consultation.id, "web", "a")
    erased = _contribution(session, consultation.id, "sms", "b")
    for contribution in (kept, erased):
        _answer(session, contribution, often, "1", WEB)
    session.commit()
    privacy.erase_contribution(session, erased.reference, secret="s" * 32, reason="asked by phone")
    session.commit()
    left = session.scalars(select(Answer.contribution_id)).all()
    assert left == [kept.id]


def test_the_toml_file_carries_questions_and_refuses_bad_ones(
    session: Session, tmp_path: Path
) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        '[[consultation]]\nslug = "plein"\n[consultation.texts.nl]\ntitle = "Plein"\n'
        'question = "Wat wilt u?"\n[[consultation.questions]]\nkey = "plan"\nkind = "choice"\n'
        'required = true\ntexts = { nl = "Plan A of B?", fr = "Plan A ou B ?" }\n'
        'options = [{ nl = "Plan A", fr = "Plan A" }, { nl = "Plan B", fr = "Plan B" }]\n'
        '[[consultation.questions]]\nkey = "mood"\nkind = "scale"\n'
        'texts = { nl = "Hoe tevreden bent u?" }\n',
        encoding="utf-8",
    )
    (consultation,) = load_toml(session, path)
    plan, mood = questions.current(session, consultation.id)
    assert plan.labels_in("fr")[1] == ("2", "Plan B") and len(mood.options) == 5
    path.write_text(
        '[[consultation]]\nslug = "plein"\n[consultation.texts.nl]\ntitle = "Plein"\n'
        'question = "Wat wilt u?"\n[[consultation.questions]]\nkey = "plan"\n'
        'texts = { nl = "Plan A?" }\noptions = [{ nl = "A" }]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConsultationError, match="2 to 9 options"):
        load_toml(session, path)


def test_exports_and_the_residents_data_carry_the_answers(session: Session) -> None:
    consultation = park(session)
    often = questions.current(session, consultation.id)[0]
    contribution = _contribution(session, consultation.id, "sms", "a")
    texted = AnswerEvidence(source="text", token="deux")
    _answer(session, contribution, often, "2", texted)
    session.commit()
    (row,) = export.rows(session, consultation, personal=False)
    assert row["closed_answers"] == [
        {
            "question": "often",
            "version": 1,
            "option": "2",
            "label": "Elke week",
            "counted": True,
            "evidence": {"source": "text", "token": "deux"},
        }
    ]
    assert (
        export.record(contribution, "park", personal=True)["closed_answers"]
        == row["closed_answers"]
    )


def test_receive_stores_the_answers_that_came_with_a_contribution(session: Session) -> None:
    consultation = park(session)
    often, dogs = questions.current(session, consultation.id)
    given = (
        GivenAnswer(often.id, "3", AnswerEvidence(source="web")),
        GivenAnswer(dogs.id, "2", AnswerEvidence(source="web")),
    )
    inbound = Inbound(channel="web", language="nl", consultation_id=consultation.id)
    receipt = receive(session, replace(inbound, closed_answers=given))
    stored = session.scalars(select(Answer).where(Answer.contribution_id == receipt.id)).all()
    assert sorted((a.question.key, a.option) for a in stored) == [("dogs", "2"), ("often", "3")]
    with pytest.raises(questions.QuestionError):
        bad = (GivenAnswer(dogs.id, "3", AnswerEvidence(source="web")),)
        receive(session, replace(inbound, closed_answers=bad))
