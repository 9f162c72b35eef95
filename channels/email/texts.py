"""What residents read in a mail from Inspraak, per language."""

from __future__ import annotations

from intake.i18n import gettext as _
from intake.i18n import using_language
from intake.labels import resident_status
from intake.plugins import Outgoing

# The same words on every channel that texts or mails a resident.
status = resident_status


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


def thanks(reference: str) -> str:
    """Thank the resident for their mail and give the reference to follow it by."""
    return _(
        "Bedankt voor uw e-mail. Uw bijdrage is goed aangekomen. Uw code is %(reference)s.\n\n"
        "Wilt u iets toevoegen? Beantwoord dan deze e-mail. Wilt u weten hoe het ermee staat? "
        "Stuur een e-mail met als onderwerp STATUS %(reference)s.",
        reference=reference,
    )


def added(reference: str) -> str:
    """Confirm that a reply was added to the contribution it answers."""
    return _(
        "Bedankt. Wat u schreef, is toegevoegd aan uw bijdrage %(reference)s.",
        reference=reference,
    )


def too_large(limit_bytes: int) -> str:
    """Say that the mail was too large to take, and what to do instead."""
    mb = limit_bytes / (1024 * 1024)
    limit = f"{mb:.0f} MB" if mb >= 1 else f"{limit_bytes // 1024} kB"
    return _(
        "Uw e-mail was te groot om te verwerken (meer dan %(limit)s) en werd niet als "
        "bijdrage bewaard. Stuur uw tekst opnieuw, met kleinere of minder bijlagen.",
        limit=limit,
    )


def not_found(reference: str) -> str:
    """Say that this address sent no contribution with that reference."""
    return _(
        "We vinden geen bijdrage met code %(reference)s van dit e-mailadres. Kijk de code na.",
        reference=reference,
    )


def status_usage() -> str:
    """Explain how to ask for a status by mail."""
    return _("Stuur een e-mail met als onderwerp STATUS en uw code, bijvoorbeeld STATUS K7M-4PQ.")
