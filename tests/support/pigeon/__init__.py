"""A channel that exists only for tests, declared and loaded exactly as a real channel is.

Residents send carrier pigeons from their loft; a reply flies back to the loft. Load it with
`INSPRAAK_PLUGINS=tests.support.pigeon:plugin`.
"""

from __future__ import annotations

from intake.inbound import Inbound
from intake.plugins import Channel, Plugin
from intake.receive import receive
from intake.runtime import Runtime
from intake.spool import Entry

NAME = "pigeon"
LOFT = "loft"
LOST = "pigeon_lost"
# What the sender delivered, as (address, body): the test's view of the loft.
delivered: list[tuple[str, str]] = []


def send(runtime: Runtime, address: str, body: str) -> str:
    """Deliver a reply to a loft; return the pigeon's number."""
    delivered.append((address, body))
    return f"pigeon-{len(delivered)}"


def replay(runtime: Runtime, entry: Entry) -> None:
    """Store a pigeon that landed while the database was away (once per pigeon)."""
    with runtime.db.session() as session:
        inbound = Inbound(
            channel=NAME,
            language="nl",
            text=str(entry.payload["text"]),
            channel_message_id=entry.message_id,
        )
        receive(session, inbound)
        session.commit()


plugin = Plugin(
    name=NAME,
    senders={NAME: send},
    replayers={NAME: replay},
    channels=[
        Channel(
            NAME, "Postduif", addresses={LOFT: "Duiventil"}, answers_here=True, delivers=(LOFT,)
        )
    ],
    reasons={LOST: "De duif is verdwaald"},
)
