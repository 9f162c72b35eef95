"""A test-only `email` channel: its sender records what it is asked to send, and sends nothing.

Load it with `INSPRAAK_PLUGINS=tests.support.email` to give an instance an e-mail channel.
"""

from __future__ import annotations

from intake.plugins import Channel, Plugin
from intake.runtime import Runtime

# (address, body) of every message asked for, in order; tests empty it first.
outbox: list[tuple[str, str]] = []


def send(runtime: Runtime, address: str, body: str) -> str:
    """Record one e-mail instead of sending it; return a message id as a provider would."""
    outbox.append((address, body))
    return f"<{len(outbox)}@mail.test>"


EMAIL = "email"

plugin = Plugin(
    name="test-email",
    senders={EMAIL: send},
    # Delivers to the e-mail addresses residents type on the web form.
    channels=[Channel(EMAIL, "E-mail", delivers=(EMAIL,))],
)
