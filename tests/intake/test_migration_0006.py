"""Revision 0006 on existing data: which kept addresses count as proven, and calls apart."""

from __future__ import annotations

from sqlalchemy import text

from intake.db import make_engine
from intake.migrations import upgrade

CONTRIBUTOR = (
    "INSERT INTO contributor (address_kind, address_hash, address, preferred_language,"
    " wants_updates, opted_out, unreachable, created_at, last_seen_at) VALUES"
    " (:kind, :hash, :address, 'nl', :wants, false, false, :at, :at) RETURNING id"
)
CONTRIBUTION = (
    "INSERT INTO contribution (reference, contributor_id, channel, received_at, language,"
    " status, needs_person, text, text_origin, answers) VALUES"
    " (:reference, :contributor, :channel, :at, 'nl', 'new', false, '', 'typed', '{}')"
    " RETURNING id"
)
AT = "2026-11-01 10:00:00+00:00"


def test_vouched_addresses_are_confirmed_typed_ones_not_and_calls_move_to_callers(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    upgrade(engine, "0005")
    residents = [
        (1, "phone", "texted", "+32470000001", False),
        (2, "phone", "typed", "0470 00 00 02", True),  # a web form wrote it, unproven
        (3, "telegram", "chat", "123456", False),
        (4, "email", "mail", "an@example.be", True),
        (5, "phone", "both", "+32470000005", False),
    ]
    contributions = [(1, 1, "sms"), (2, 2, "web"), (3, 3, "telegram"), (4, 4, "web")]
    contributions += [(5, 5, "sms"), (6, 5, "voice"), (7, 5, "voice")]
    ids: dict[int, int] = {}  # our number → the database's id
    made: dict[int, int] = {}
    with engine.begin() as connection:
        for number, kind, key, address, wants in residents:
            ids[number] = connection.execute(
                text(CONTRIBUTOR),
                {"kind": kind, "hash": key, "address": address, "wants": wants, "at": AT},
            ).scalar_one()
        for number, contributor, channel in contributions:
            made[number] = connection.execute(
                text(CONTRIBUTION),
                {
                    "reference": f"R{number}",
                    "contributor": ids[contributor],
                    "channel": channel,
                    "at": AT,
                },
            ).scalar_one()
    upgrade(engine)
    with engine.connect() as connection:
        confirmed = {
            number: bool(
                connection.execute(
                    text("SELECT address_confirmed FROM contributor WHERE id = :id"),
                    {"id": id_},
                ).scalar_one()
            )
            for number, id_ in ids.items()
        }
        calls = connection.execute(
            text(
                "SELECT c.id, k.address_kind, k.address_hash, k.address FROM contribution c"
                " JOIN contributor k ON k.id = c.contributor_id ORDER BY c.id"
            )
        ).all()
    engine.dispose()
    assert confirmed == {
        1: True,
        2: False,
        3: True,
        4: False,
        5: True,
    }
    by_id = {row[0]: tuple(row[1:]) for row in calls}
    assert by_id[made[5]] == ("phone", "both", "+32470000005")
    assert by_id[made[6]] == by_id[made[7]] == ("caller", "both", None)
    assert len(by_id) == len(contributions)  # no contribution lost its resident
