"""STATUS for one's own contribution only; STOP and START remembered per number."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from channels.sms.keywords import Action, parse
from intake.models import Contribution, Contributor
from intake.runtime import Runtime
from tests.channels.sms.conftest import text
from tests.channels.sms.helpers import contributions, reference_in, reply_of

OWNER = "+32470555666"
OTHER = "+32470777888"


def _contributor(runtime: Runtime) -> Contributor:
    with runtime.db.session() as session:
        return session.scalars(select(Contributor)).one()


@pytest.mark.parametrize(
    ("body", "action"),
    [
        ("STATUS K7M-4PQ", Action.STATUS),
        ("statut k7m4pq", Action.STATUS),
        ("Stand K7M 4PQ", Action.STATUS),
        ("STATUS", Action.STATUS),
        ("Status van het park: het moet groener en veiliger worden", Action.CONTRIBUTE),
        ("STOP", Action.STOP),
        (" stopp ", Action.STOP),
        ("Arrêt", Action.STOP),
        ("ARRET", Action.STOP),
        ("Stop met die werken in het park", Action.CONTRIBUTE),
        ("start", Action.START),
        ("DEMO Meer bomen", Action.CONTRIBUTE),
    ],
)
def test_command_words_are_recognised(body: str, action: Action) -> None:
    assert parse(body).action is action


@pytest.mark.parametrize(
    ("word", "answer"),
    [
        ("STATUS", "Uw bijdrage {ref}: Wordt gelezen. Een medewerker leest uw bijdrage."),
        ("STAND", "Uw bijdrage {ref}: Wordt gelezen. Een medewerker leest uw bijdrage."),
        (
            "STATUT",
            "Votre contribution {ref} : En cours de lecture. Un agent lit votre contribution.",
        ),
    ],
)
def test_status_answers_the_owner_in_their_language(
    sms_client: FlaskClient, sms_runtime: Runtime, word: str, answer: str
) -> None:
    reference = reference_in(reply_of(text(sms_client, "DEMO Meer bomen graag", number=OWNER)))
    with sms_runtime.db.session() as session:
        session.execute(update(Contribution).values(status="in_review"))
        session.commit()
    compact = reference.replace("-", "").lower()
    reply = reply_of(text(sms_client, f"{word} {compact}", number=OWNER))
    assert reply == answer.format(ref=reference)
    assert len(contributions(sms_runtime)) == 1


def test_status_of_someone_elses_contribution_is_not_found(
    sms_client: FlaskClient, sms_runtime: Runtime
) -> None:
    reference = reference_in(reply_of(text(sms_client, "DEMO Meer bomen graag", number=OWNER)))
    reply = reply_of(text(sms_client, f"STATUS {reference}", number=OTHER))
    assert reply == (
        f"We vinden geen bijdrage met code {reference} van dit nummer. Kijk de code na."
    )
    unknown = reply_of(text(sms_client, "STATUS AAA-AAA", number=OWNER))
    assert unknown and "AAA-AAA" in unknown and "geen bijdrage" in unknown


def test_status_without_a_code_explains_how(sms_client: FlaskClient) -> None:
    assert reply_of(text(sms_client, "STATUS")) == (
        "Stuur STATUS met uw code erachter, bijvoorbeeld STATUS K7M-4PQ."
    )
    assert reply_of(text(sms_client, "STATUT ???")) == (
        "Envoyez STATUT suivi de votre code, par exemple STATUT K7M-4PQ."
    )


def test_stop_forgets_the_number_and_silences_replies_until_start(
    sms_client: FlaskClient, sms_runtime: Runtime
) -> None:
    reference = reference_in(reply_of(text(sms_client, "DEMO Meer bomen graag", number=OWNER)))
    assert reply_of(text(sms_client, "ARRÊT", number=OWNER)) == (
        "Vous ne recevrez plus de messages de notre part. "
        "Envoyez START pour les recevoir à nouveau."
    )
    contributor = _contributor(sms_runtime)
    assert contributor.opted_out and contributor.address is None
    assert reply_of(text(sms_client, "DEMO En ook bankjes", number=OWNER)) is None
    assert reply_of(text(sms_client, f"STATUS {reference}", number=OWNER)) is None
    assert len(contributions(sms_runtime)) == 2
    assert _contributor(sms_runtime).address is None
    started = reply_of(text(sms_client, "START", number=OWNER))
    assert started and started.startswith("Vous recevrez à nouveau")
    contributor = _contributor(sms_runtime)
    assert not contributor.opted_out and contributor.address == OWNER
    assert reply_of(text(sms_client, f"STATUS {reference}", number=OWNER))


def test_stop_in_dutch_is_answered_in_dutch(sms_client: FlaskClient, sms_runtime: Runtime) -> None:
    reply = reply_of(text(sms_client, "stop", number=OTHER))
    assert reply == "U krijgt geen berichten meer van ons. Stuur START om ze weer te krijgen."
    assert _contributor(sms_runtime).opted_out
    assert contributions(sms_runtime) == []
