"""Staff and closed questions: edit them, correct an answer (logged), publish the counts."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select

from intake import questions
from intake.evidence import AnswerEvidence
from intake.inbound import GivenAnswer
from intake.models import Answer, AuditEvent, Consultation
from intake.runtime import Runtime
from tests.admin.conftest import post
from tests.support.questions import park


def _park(runtime: Runtime) -> tuple[int, list[int]]:
    with runtime.db.session() as session:
        consultation = park(session)
        session.commit()
        return consultation.id, [q.id for q in questions.current(session, consultation.id)]


def test_an_admin_edits_the_questions_and_a_bad_one_is_refused(
    runtime: Runtime, signed_in: Callable[[str], FlaskClient]
) -> None:
    admin = signed_in("admin")
    consultation_id, _ids = _park(runtime)
    page = f"/admin/consultations/{consultation_id}/questions"
    html = admin.get(page).get_data(as_text=True)
    assert 'value="often"' in html and 'value="Rarement"' in html
    fields = {
        "q1_key": "plan",
        "q1_kind": "choice",
        "q1_required": "yes",
        "q1_nl": "Plan A of plan B?",
        "q1_fr": "Plan A ou plan B ?",
        "q1_o1_nl": "Plan A",
        "q1_o2_nl": "Plan B",
        "q2_key": "mood",
        "q2_kind": "scale",
        "q2_nl": "Hoe tevreden bent u?",
    }
    assert post(admin, page, fields, page=page).status_code == 302
    with runtime.db.session() as session:
        plan, mood = questions.current(session, consultation_id)
        assert (plan.key, plan.required, plan.labels_in("fr")) == (
            "plan",
            True,
            [("1", "Plan A"), ("2", "Plan B")],
        )
        assert mood.labels_in("en")[4] == ("5", "5 (strongly agree)")
        assert session.scalars(select(AuditEvent.action)).all()[-1] == "questions.save"
    refused = post(admin, page, {"q1_key": "plan", "q1_nl": "Plan?", "q1_o1_nl": "A"}, page=page)
    assert refused.status_code == 422
    assert "a choice has 2 to 9 options" in refused.get_data(as_text=True)
    viewer = signed_in("viewer")
    assert post(viewer, page, fields, page=page).status_code == 403


def test_a_moderator_corrects_and_fills_in_answers_on_the_contribution_page(
    runtime: Runtime,
    signed_in: Callable[[str], FlaskClient],
    contribute: Callable[..., int],
) -> None:
    consultation_id, (often, dogs) = _park(runtime)
    contribution_id = contribute("Meer bomen", consultation_id=consultation_id)
    with runtime.db.session() as session:
        texted = AnswerEvidence(source="text", token="een")
        questions.record_answers(session, contribution_id, None, [GivenAnswer(often, "1", texted)])
        session.commit()
    moderator = signed_in("moderator")
    detail = f"/admin/c/{contribution_id}"
    html = moderator.get(f"{detail}?lang=en").get_data(as_text=True)
    assert "How often would you use the park?" in html and "typed in a message" in html
    assert "Not answered." in html
    assert (
        post(moderator, f"{detail}/closed/{often}", {"option": "3"}, page=detail).status_code == 302
    )
    assert (
        post(moderator, f"{detail}/closed/{dogs}", {"option": "1"}, page=detail).status_code == 302
    )
    assert (
        post(moderator, f"{detail}/closed/{dogs}", {"option": "7"}, page=detail).status_code == 400
    )
    with runtime.db.session() as session:
        answers = {a.question.key: a for a in session.scalars(select(Answer))}
        assert answers["often"].option == "3" and answers["dogs"].option == "1"
        corrected = AnswerEvidence.from_json(answers["often"].evidence)
        assert (corrected.source, corrected.token, corrected.previous) == ("text", "een", "1")
        assert AnswerEvidence.from_json(answers["dogs"].evidence).source == "staff"
        logged = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "answer.correct")
        ).all()
        assert [
            (e.details["question"], e.details["before"], e.details["after"]) for e in logged
        ] == [
            ("often", "1", "3"),
            ("dogs", None, "1"),
        ]
    html = moderator.get(f"{detail}?lang=en").get_data(as_text=True)
    assert "corrected, was: Every day" in html


def test_the_counts_go_public_only_when_staff_publish_them(
    runtime: Runtime,
    signed_in: Callable[[str], FlaskClient],
    contribute: Callable[..., int],
    client: FlaskClient,
) -> None:
    consultation_id, (often, _dogs) = _park(runtime)
    for option, channel in (("1", "web"), ("1", "sms"), ("2", "sms")):
        contribution_id = contribute("Bomen", consultation_id=consultation_id, channel=channel)
        with runtime.db.session() as session:
            given = [GivenAnswer(often, option, AnswerEvidence(source=channel))]
            questions.record_answers(session, contribution_id, None, given)
            session.commit()
    assert "How often" not in client.get("/c/park/results?lang=en").get_data(as_text=True)
    moderator = signed_in("moderator")
    page = f"/admin/consultations/{consultation_id}/questions"
    staff_html = moderator.get(f"{page}?lang=en").get_data(as_text=True)
    assert (
        '<tr><th scope="row">Every day</th><td>2</td><td>1</td><td>1</td><td>2</td></tr>'
        in staff_html
    )
    assert post(moderator, f"{page}/publication", {"public": "yes"}, page=page).status_code == 302
    with runtime.db.session() as session:
        assert session.get(Consultation, consultation_id).closed_results_public
    public = client.get("/c/park/results?lang=en").get_data(as_text=True)
    assert "Answers to the closed questions" in public
    assert (
        '<tr><th scope="row">Every week</th><td>1</td><td>1</td><td>0</td><td>1</td></tr>' in public
    )
    assert (
        '<tfoot><tr><th scope="row">Total</th><td>3</td><td>2</td><td>1</td><td>3</td></tr>'
        in public
    )


def test_assisted_entry_asks_the_same_questions(
    runtime: Runtime, signed_in: Callable[[str], FlaskClient]
) -> None:
    consultation_id, _ids = _park(runtime)
    moderator = signed_in("moderator")
    html = moderator.get("/admin/assisted?lang=en").get_data(as_text=True)
    prefix = f"q{consultation_id}-"
    assert f'name="{prefix}often" value="3"> Rarely' in html
    fields = {"consultation": str(consultation_id), "language": "fr", "text": "Des bancs"}
    missing = post(moderator, "/admin/assisted", fields, page="/admin/assisted")
    assert missing.status_code == 422
    assert f'<fieldset class="question" aria-describedby="{prefix}often-error">' in (
        missing.get_data(as_text=True)
    )
    fields.update({f"{prefix}often": "3", f"{prefix}dogs": "2"})
    assert post(moderator, "/admin/assisted", fields, page="/admin/assisted").status_code == 302
    with runtime.db.session() as session:
        stored = sorted(
            (a.question.key, a.option, a.evidence["source"])
            for a in session.scalars(select(Answer))
        )
    assert stored == [("dogs", "2", "staff"), ("often", "3", "staff")]


def test_the_reach_report_counts_the_answers_by_channel_and_language(
    runtime: Runtime, signed_in: Callable[[str], FlaskClient], contribute: Callable[..., int]
) -> None:
    consultation_id, (often, _dogs) = _park(runtime)
    for option, channel, language in (("1", "web", "nl"), ("1", "sms", "fr"), ("3", "sms", "fr")):
        contribution_id = contribute(
            "Bomen", consultation_id=consultation_id, channel=channel, language=language
        )
        with runtime.db.session() as session:
            given = [GivenAnswer(often, option, AnswerEvidence(source=channel))]
            questions.record_answers(session, contribution_id, None, given)
            session.commit()
    moderator = signed_in("moderator")
    html = moderator.get(f"/admin/reach?consultation={consultation_id}&lang=en").get_data(
        as_text=True
    )
    assert "How often would you use the park?" in html
    body = moderator.get(f"/admin/reach.csv?consultation={consultation_id}&separator=,")
    lines = body.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert '"park","question:often","1","2"' in lines
    assert '"park","question:often:channel:sms","1","1"' in lines
    assert '"park","question:often:language:fr","3","1"' in lines
    assert '"park","question:dogs","2","0"' in lines


def test_an_answer_tapped_in_the_telegram_chat_shows_how_it_was_given(
    runtime: Runtime,
    signed_in: Callable[[str], FlaskClient],
    contribute: Callable[..., int],
) -> None:
    consultation_id, (often, _dogs) = _park(runtime)
    contribution_id = contribute("Meer bomen", consultation_id=consultation_id)
    with runtime.db.session() as session:
        tapped = AnswerEvidence(source="button", key="2")
        questions.record_answers(session, contribution_id, None, [GivenAnswer(often, "2", tapped)])
        session.commit()
    html = signed_in("viewer").get(f"/admin/c/{contribution_id}?lang=fr").get_data(as_text=True)
    assert "<strong>Chaque semaine</strong>" in html
    assert "bouton touché dans la conversation (2)" in html
