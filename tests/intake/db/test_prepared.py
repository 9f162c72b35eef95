"""Prepared statements store and read values exactly as SQLAlchemy does, on both engines."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intake.consultations import find
from intake.db.prepared import Prepared, bound
from intake.inbound import Inbound
from intake.models import Contribution, Contributor
from intake.receive import receive

_READ = Prepared(
    select(
        Contribution.received_at,
        Contribution.answers,
        Contribution.needs_person,
        Contribution.text,
    ).where(Contribution.id == bindparam("id"))
)


def test_values_round_trip_as_through_the_orm(session: Session) -> None:
    received = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
    inbound = Inbound(
        channel="web",
        language="fr",
        text="Des bancs 🌳 et de l'ombre",
        consultation_id=find(session, "demo").id,
        channel_message_id="m-1",
        answers={"via": "kiosk", "score": 3},
        needs_person_reason="unclear",
        received_at=received,
    )
    receipt = receive(session, inbound)
    session.commit()
    stored = session.get(Contribution, receipt.id)
    assert stored is not None
    assert (stored.received_at, stored.answers, stored.needs_person) == (
        received,
        {"via": "kiosk", "score": 3},
        True,
    )
    assert stored.status == "new" and stored.reference == receipt.reference
    row = _READ.first(session, {"id": receipt.id})
    assert row == (received, {"via": "kiosk", "score": 3}, True, "Des bancs 🌳 et de l'ombre")
    assert _READ.first(session, {"id": receipt.id + 1}) is None


def test_a_statement_that_leaves_values_to_column_defaults_is_refused(session: Session) -> None:
    table = Contributor.__table__
    partial = Prepared(insert(table).values(bound(table, ["address_kind", "address_hash"])))
    with pytest.raises(ValueError, match="opted_out"):
        partial.rows(session, {"address_kind": "phone", "address_hash": "x"})


def test_database_errors_are_sqlalchemys(session: Session) -> None:
    table = Contribution.__table__
    columns = ["reference", "channel", "received_at", "language", "status", "text"]
    columns += ["text_origin", "answers", "needs_person", "consultation_id", "tenant_id"]
    statement = Prepared(insert(table).values(bound(table, columns)))
    values = {
        "reference": "K7M-4PQ",
        "channel": "web",
        "received_at": datetime.now(UTC),
        "language": "nl",
        "status": "new",
        "text": "x",
        "text_origin": "typed",
        "answers": {},
        "needs_person": False,
        "consultation_id": 999_999,
        "tenant_id": 1,
    }
    with pytest.raises(IntegrityError):
        statement.rows(session, values)
