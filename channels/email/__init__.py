"""E-mail in and out: the participation mailbox read over IMAP; replies, updates and
confirmations by SMTP, and the one-click way to stop them."""

from channels.email.adapter import EMAIL
from channels.email.attachments import UNREAD_ATTACHMENT
from channels.email.cli import email
from channels.email.dialogue import FOLLOW_UP, NO_CONSULTATION
from channels.email.jobs import send
from channels.email.views import blueprint
from intake.config import Settings
from intake.i18n import N_
from intake.plugins import Channel, Plugin


def _configured(settings: Settings) -> bool:
    # Without a mail server no reply may be promised by e-mail: the channel is not there
    # (a mailbox to read needs one too: every mail taken in is acknowledged).
    return settings.smtp_url is not None


plugin = Plugin(
    name="email",
    channels=[
        # Delivers to the e-mail addresses residents type on the web form (once confirmed).
        Channel(EMAIL, N_("E-mail"), addresses={"email": N_("E-mailadres")}, delivers=("email",))
    ],
    reasons={
        NO_CONSULTATION: N_("E-mail zonder herkenbare inspraak: kies de inspraak"),
        FOLLOW_UP: N_("De inwoner stuurde een aanvulling per e-mail"),
        UNREAD_ATTACHMENT: N_("Bijlage die Inspraak niet kan lezen: bekijk ze zelf"),
    },
    blueprints=[blueprint],
    commands=[email],
    described_senders={EMAIL: send},
    enabled=_configured,
)
