"""Closed questions by SMS and WhatsApp, through the real webhook: one question a message."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.consultations import find, forget_cached
from intake.models import Answer, Contribution
from intake.runtime import Runtime
from tests.channels.sms.conftest import post_signed, text
from tests.channels.sms.helpers import reference_in, reply_of
from tests.channels.web.helpers import submit
from tests.support.questions import park
from tests.support.twilio import message_params

NUMBER = "+32470999888"


@pytest.fixture
def park_sms(sms_runtime: Runtime, sms_client: FlaskClient) -> FlaskClient:
    with sms_runtime.db.session() as session:
        park(session)
        session.commit()
    return sms_client


def _answers(runtime: Runtime) -> list[tuple[str, str, str | None, str]]:
    with runtime.db.session() as session:
        rows = session.execute(
            select(Contribution.reference, Answer).join(
                Answer, Answer.contribution_id == Contribution.id
            )
        ).all()
        return sorted((a.question.key, a.option, a.evidence.get("token"), ref) for ref, a in rows)


def _say(client: FlaskClient, body: str, **options: object) -> str:
    reply = reply_of(text(client, body, number=NUMBER, **options))
    assert reply is not None
    return reply


def test_a_full_dialogue_in_french(park_sms: FlaskClient, sms_runtime: Runtime) -> None:
    first = _say(park_sms, "PARK Je voudrais plus d'arbres et des bancs")
    reference = reference_in(first)
    assert first == (
        f"Merci ! Votre code est {reference}. Question 1 sur 2 : À quelle fréquence "
        "utiliseriez-vous le parc ? 1=Tous les jours 2=Chaque semaine 3=Rarement "
        "Répondez par un chiffre."
    )
    again = _say(park_sms, "souvent")
    assert again.startswith("Nous n'avons pas compris cette réponse. Question 1 sur 2 :")
    assert _say(park_sms, "suivant").startswith("Cette question est obligatoire")
    second = _say(park_sms, "deux.")
    assert second == (
        "Question 2 sur 2 : Voulez-vous un espace pour chiens ? 1=Oui 2=Non "
        "Répondez par un chiffre, ou par SUIVANT pour passer."
    )
    done = _say(park_sms, "Non, et de l'ombre aussi")
    assert done == (
        f"Merci pour vos réponses ! Envoyez STATUS {reference} pour savoir où elle en est."
    )
    assert _answers(sms_runtime) == [
        ("dogs", "2", "Non,", reference),
        ("often", "2", "deux.", reference),
    ]
    with sms_runtime.db.session() as session:
        stored = session.scalars(select(Contribution)).one()
    assert stored.text == "Je voudrais plus d'arbres et des bancs\net de l'ombre aussi"
    assert stored.language == "fr"
    # A later text is a new contribution again, and asks again.
    later = _say(park_sms, "Et une fontaine à eau près des jeux, s'il vous plaît")
    assert "Question 1 sur 2" in later and reference_in(later) != reference


def test_an_optional_question_is_skipped_and_a_retry_is_not_taken_twice(
    park_sms: FlaskClient, sms_runtime: Runtime
) -> None:
    reference = reference_in(_say(park_sms, "PARK Meer bomen graag"))
    answer = message_params("1", number=NUMBER)
    asked_second = reply_of(post_signed(park_sms, answer))
    assert asked_second is not None and asked_second.startswith(
        "Vraag 2 van 2: Wilt u een hondenweide?"
    )
    assert reply_of(post_signed(park_sms, answer)) == asked_second  # Twilio's retry
    assert _say(park_sms, "verder").startswith("Bedankt voor uw antwoorden!")
    assert _answers(sms_runtime) == [("often", "1", "1", reference)]


def test_whatsapp_asks_the_same_and_a_second_channel_updates_the_answer(
    park_sms: FlaskClient, sms_runtime: Runtime
) -> None:
    reply = _say(park_sms, "PARK More trees please", whatsapp=True)
    assert "Question 1 of 2: How often would you use the park?" in reply
    _say(park_sms, "one", whatsapp=True)
    _say(park_sms, "PARK And benches too")
    _say(park_sms, "3")
    with sms_runtime.db.session() as session:
        counted = session.scalars(select(Answer).where(Answer.superseded_at.is_(None))).all()
        assert [(a.question.key, a.option) for a in counted] == [("often", "3")]


def test_totals_add_up_across_the_web_form_and_sms(
    park_sms: FlaskClient, sms_runtime: Runtime
) -> None:
    for number, answer in (("+32470000001", "1"), ("+32470000002", "deux")):
        reply_of(text(park_sms, "PARK Je voudrais plus de bancs à l'ombre", number=number))
        reply_of(text(park_sms, answer, number=number))
    for choice in ("1", "3"):
        submit(park_sms, "park", lang="fr", text="Des arbres", **{"q-often": choice})
    with sms_runtime.db.session() as session:
        find(session, "park").closed_results_public = True
        session.commit()
    forget_cached()
    html = park_sms.get("/c/park/results?lang=fr").get_data(as_text=True)
    # Option | total | SMS | web | French
    assert (
        '<tr><th scope="row">Tous les jours</th><td>2</td><td>1</td><td>1</td><td>2</td></tr>'
        in html
    )
    assert (
        '<tr><th scope="row">Chaque semaine</th><td>1</td><td>1</td><td>0</td><td>1</td></tr>'
        in html
    )
    assert '<tr><th scope="row">Rarement</th><td>1</td><td>0</td><td>1</td><td>1</td></tr>' in html
    assert (
        '<tfoot><tr><th scope="row">Total</th><td>4</td><td>2</td><td>2</td><td>4</td></tr>' in html
    )
