"""The SMS dialogue on both database engines: SQLite and the real PostgreSQL server."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, select

from intake import consultations
from intake.app import create_app
from intake.models import Contribution, ConversationState
from intake.runtime import Runtime
from tests.channels.sms.conftest import post_signed
from tests.channels.sms.helpers import reference_in, reply_of
from tests.support.twilio import ACCOUNT_SID, AUTH_TOKEN, message_params

FIETS_TEXTS = {"nl": {"title": "Fietspad", "question": "Waar?"}}


def test_messages_retries_and_conversations_on_each_engine(any_runtime: Runtime) -> None:
    any_runtime.settings = replace(
        any_runtime.settings, twilio_account_sid=ACCOUNT_SID, twilio_auth_token=AUTH_TOKEN
    )
    client = create_app(runtime_=any_runtime).test_client()
    url = "http://localhost/hooks/twilio/sms"
    first = message_params("DEMO Meer bomen graag", number="+32470101010")
    reference = reference_in(reply_of(post_signed(client, first, signed_url=url)))
    assert reference_in(reply_of(post_signed(client, first, signed_url=url))) == reference
    follow_up = message_params("En ook bankjes", number="+32470101010")
    reference_in(reply_of(post_signed(client, follow_up, signed_url=url)))
    with any_runtime.db.session() as session:
        consultations.save(
            session,
            {"slug": "fiets", "status": "open", "sms_keyword": "FIETS", "texts": FIETS_TEXTS},
        )
        session.commit()
    waiting = message_params("Je voudrais une piste cyclable", number="+32470202020")
    assert "FIETS" in (reply_of(post_signed(client, waiting, signed_url=url)) or "")
    chosen = message_params("fiets", number="+32470202020")
    thanks = reply_of(post_signed(client, chosen, signed_url=url)) or ""
    assert thanks.startswith("Merci !")
    # Twilio sending either text again gets the same thanks and stores nothing.
    assert reply_of(post_signed(client, waiting, signed_url=url)) == thanks
    assert reply_of(post_signed(client, chosen, signed_url=url)) == thanks
    with any_runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Contribution)) == 3
        states = session.scalars(select(ConversationState).order_by(ConversationState.id)).all()
        assert [s.language for s in states] == ["nl", "fr"]
        assert states[1].data["linked"] == {waiting["MessageSid"]: chosen["MessageSid"]}
