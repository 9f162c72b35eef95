"""Where a text goes: its keyword, the ongoing conversation, the only open consultation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import update

from intake import consultations
from intake.models import ConversationState, utcnow
from intake.runtime import Runtime
from tests.channels.sms.conftest import post_signed, text
from tests.channels.sms.helpers import contributions, reference_in, reply_of
from tests.support.twilio import message_params

NUMBER = "+32470222333"


def _add_consultation(runtime: Runtime, slug: str, keyword: str, status: str = "open") -> int:
    with runtime.db.session() as session:
        consultation = consultations.save(
            session,
            {
                "slug": slug,
                "status": status,
                "sms_keyword": keyword,
                "texts": {
                    "nl": {"title": f"Over {slug}", "question": "Wat denkt u?"},
                    "fr": {"title": f"Sur {slug}", "question": "Qu'en pensez-vous ?"},
                },
            },
        )
        session.commit()
        return consultation.id


def _demo_id(runtime: Runtime) -> int:
    with runtime.db.session() as session:
        return consultations.find(session, "demo").id


@pytest.mark.parametrize("keyword", ["DEMO", "demo", "Démo", "dèmo:", "DEMO,"])
def test_a_keyword_picks_its_consultation_in_any_case_without_accents(
    sms_client: FlaskClient, sms_runtime: Runtime, keyword: str
) -> None:
    fiets = _add_consultation(sms_runtime, "fietspad", "FIETS")
    reference_in(reply_of(text(sms_client, f"{keyword} Meer bomen aan de kade")))
    reference_in(reply_of(text(sms_client, "fiets Een veilig fietspad graag")))
    first, second = contributions(sms_runtime)
    assert first.consultation_id == _demo_id(sms_runtime) and first.text == "Meer bomen aan de kade"
    assert second.consultation_id == fiets and second.text == "Een veilig fietspad graag"


def test_without_a_keyword_the_only_open_consultation_is_meant(
    sms_client: FlaskClient, sms_runtime: Runtime
) -> None:
    _add_consultation(sms_runtime, "oud", "OUD", status="closed")
    reference_in(reply_of(text(sms_client, "Bankjes in de schaduw graag")))
    [stored] = contributions(sms_runtime)
    assert stored.consultation_id == _demo_id(sms_runtime)
    assert stored.text == "Bankjes in de schaduw graag"


def test_without_a_keyword_the_ongoing_conversation_is_meant(
    sms_client: FlaskClient, sms_runtime: Runtime
) -> None:
    fiets = _add_consultation(sms_runtime, "fietspad", "FIETS")
    reference_in(reply_of(text(sms_client, "FIETS Een veilig fietspad", number=NUMBER)))
    reference_in(reply_of(text(sms_client, "En meer licht 's avonds", number=NUMBER)))
    assert [c.consultation_id for c in contributions(sms_runtime)] == [fiets, fiets]


def test_a_conversation_is_forgotten_after_a_week(
    sms_client: FlaskClient, sms_runtime: Runtime
) -> None:
    _add_consultation(sms_runtime, "fietspad", "FIETS")
    reference_in(reply_of(text(sms_client, "FIETS Een veilig fietspad", number=NUMBER)))
    with sms_runtime.db.session() as session:
        session.execute(
            update(ConversationState).values(expires_at=utcnow() - timedelta(seconds=1))
        )
        session.commit()
    reply = reply_of(text(sms_client, "En meer licht", number=NUMBER))
    assert reply and "DEMO, FIETS" in reply
    assert len(contributions(sms_runtime)) == 1


def test_an_unclear_text_waits_for_its_keyword_then_is_stored(
    sms_client: FlaskClient, sms_runtime: Runtime
) -> None:
    fiets = _add_consultation(sms_runtime, "fietspad", "FIETS")
    _add_consultation(sms_runtime, "oud", "OUD", status="closed")
    first = text(sms_client, "Een zebrapad aan de school alsjeblieft", number=NUMBER)
    reply = reply_of(first)
    assert reply == (
        "Over welke bevraging gaat uw bericht? Antwoord met een van deze woorden: DEMO, FIETS"
    )
    assert contributions(sms_runtime) == []
    reference = reference_in(reply_of(text(sms_client, "fiets", number=NUMBER)))
    [stored] = contributions(sms_runtime)
    assert stored.reference == reference and stored.consultation_id == fiets
    assert stored.text == "Een zebrapad aan de school alsjeblieft"
    reference_in(reply_of(text(sms_client, "En ook een lichtje", number=NUMBER)))
    assert [c.consultation_id for c in contributions(sms_runtime)] == [fiets, fiets]


def test_a_keyword_alone_asks_for_the_message(
    sms_client: FlaskClient, sms_runtime: Runtime
) -> None:
    _add_consultation(sms_runtime, "fietspad", "FIETS")
    reply = reply_of(text(sms_client, "FIETS", number=NUMBER))
    assert reply == "U reageert op: Over fietspad. Stuur nu uw mening in een bericht."
    reference_in(reply_of(text(sms_client, "Een fietsstraat graag", number=NUMBER)))
    assert [c.text for c in contributions(sms_runtime)] == ["Een fietsstraat graag"]


def test_the_keyword_of_a_closed_consultation_is_answered_politely(
    sms_client: FlaskClient, sms_runtime: Runtime
) -> None:
    _add_consultation(sms_runtime, "oud", "OUD", status="closed")
    reply = reply_of(text(sms_client, "OUD Nog een idee"))
    assert reply == "Deze bevraging is afgesloten. Reageren kan niet meer."
    assert contributions(sms_runtime) == []


def test_with_nothing_open_the_resident_is_told_so(
    sms_client: FlaskClient, sms_runtime: Runtime
) -> None:
    with sms_runtime.db.session() as session:
        consultations.set_status(session, "demo", consultations.ConsultationStatus.CLOSED)
        session.commit()
    reply = reply_of(text(sms_client, "Een idee voor het park"))
    assert reply == "Er is op dit moment geen bevraging open. Kom later nog eens terug."


def test_an_empty_message_stores_nothing(sms_client: FlaskClient, sms_runtime: Runtime) -> None:
    assert reply_of(text(sms_client, "  ")) == (
        "Uw bericht was leeg. Schrijf uw mening in een bericht en stuur het opnieuw."
    )
    assert contributions(sms_runtime) == []


def test_a_long_concatenated_message_is_kept_whole(
    sms_client: FlaskClient, sms_runtime: Runtime
) -> None:
    body = ("Het park moet groen blijven, met veel bomen en bankjes. " * 40)[:1595].strip()
    assert len(body) >= 1590
    reference_in(reply_of(text(sms_client, f"DEMO {body}")))
    [stored] = contributions(sms_runtime)
    assert stored.text == body


def test_emoji_and_non_latin_text_are_kept_exactly(
    sms_client: FlaskClient, sms_runtime: Runtime
) -> None:
    bodies = ["Meer bomen 🌳🌳 en een 🐕-weide", "Больше деревьев в парке", "حديقة أكبر للأطفال"]
    for body in bodies:
        reply = reply_of(text(sms_client, f"DEMO {body}"))
        assert reply and reply.startswith("Bedankt!")
    assert [c.text for c in contributions(sms_runtime)] == bodies


def test_retries_around_a_waiting_text_store_it_once(
    sms_client: FlaskClient, sms_runtime: Runtime
) -> None:
    _add_consultation(sms_runtime, "fietspad", "FIETS")
    waiting = message_params("Een zebrapad aan de school alsjeblieft", number=NUMBER)
    keyword = message_params("FIETS", number=NUMBER)
    reply_of(post_signed(sms_client, waiting))
    thanks = reply_of(post_signed(sms_client, keyword))
    assert reply_of(post_signed(sms_client, keyword)) == thanks
    assert reply_of(post_signed(sms_client, waiting)) == thanks
    assert [c.text for c in contributions(sms_runtime)] == [
        "Een zebrapad aan de school alsjeblieft"
    ]
