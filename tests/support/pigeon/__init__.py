"""A channel that exists only for tests, declared and loaded exactly as a real channel is.

Residents send carrier pigeons from their loft; a reply flies back to the loft. Load it with
`INSPRAAK_PLUGINS=tests.support.pigeon:plugin`.
"""

from __future__ import annotations

from intake.plugins import Channel, Plugin
from intake.runtime import Runtime

NAME = "pigeon"
LOFT = "loft"
LOST = "pigeon_lost"
# What the sender delivered, as (address, body): the test's view of the loft.
delivered: list[tuple[str, str]] = []


def send(runtime: Runtime, address: str, body: str) -> str:
    """Deliver a reply to a loft; return the pigeon's number."""
    delivered.append((address, body))
    return f"pigeon-{len(delivered)}"


plugin = Plugin(
    name=NAME,
    senders={NAME: send},
    channels=[
        Channel(
            NAME, "Postduif", addresses={LOFT: "Duiventil"}, answers_here=True, delivers=(LOFT,)
        )
    ],
    reasons={LOST: "De duif is verdwaald"},
)
