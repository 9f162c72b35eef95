"""E-mail out: replies, updates and confirmations by SMTP, and the one-click way to stop them."""

from channels.email.adapter import EMAIL
from channels.email.jobs import send
from channels.email.views import blueprint
from intake.config import Settings
from intake.i18n import N_
from intake.plugins import Channel, Plugin


def _configured(settings: Settings) -> bool:
    # Without a mail server no reply may be promised by e-mail: the channel is not there.
    return settings.smtp_url is not None


plugin = Plugin(
    name="email",
    channels=[
        # Delivers to the e-mail addresses residents type on the web form (once confirmed).
        Channel(EMAIL, N_("E-mail"), addresses={"email": N_("E-mailadres")}, delivers=("email",))
    ],
    blueprints=[blueprint],
    described_senders={EMAIL: send},
    enabled=_configured,
)
