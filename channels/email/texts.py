"""What residents read in a mail from Inspraak, per language."""

from __future__ import annotations

from intake.i18n import gettext as _
from intake.i18n import using_language
from intake.plugins import Outgoing


def subject(about: Outgoing) -> str:
    """Write the subject line: what the mail is, and the contribution's reference."""
    with using_language(about.language):
        if about.purpose == "confirmation":
            if about.reference:
                return _("Bevestig uw e-mailadres (bijdrage %(ref)s)", ref=about.reference)
            return _("Bevestig uw e-mailadres")
        if about.reference:
            return _("Bericht over uw bijdrage %(ref)s", ref=about.reference)
        return _("Bericht van de gemeente over uw inspraak")


def footer(language: str) -> tuple[str, str]:
    """Return the closing line's why-you-get-this text and the stop link's words."""
    with using_language(language):
        return (
            _("U krijgt deze e-mail omdat u uw adres gaf bij een inspraak van de gemeente."),
            _("Geen e-mails meer ontvangen"),
        )
