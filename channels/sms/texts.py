"""The texts Inspraak answers with, in the current language, each kept to one or two SMS."""

from __future__ import annotations

from collections.abc import Sequence

from channels.sms.segments import fits
from intake.i18n import gettext as _
from intake.labels import resident_status

# The same words on every channel that texts or mails a resident.
status = resident_status

MOST_SEGMENTS = 2
ELLIPSIS = "..."  # three dots, not "…": one character outside GSM-7 would halve the room


def thanks(reference: str) -> str:
    """Thank the resident and tell them their code and how to follow it."""
    return _(
        "Bedankt! Uw bijdrage is goed aangekomen. Uw code is %(reference)s. "
        "Stuur STATUS %(reference)s om te zien hoe het ermee staat.",
        reference=reference,
    )


def spooled() -> str:
    """Thank the resident when the message is kept for later: the code follows by SMS."""
    return _("Bedankt! Uw bericht is goed aangekomen. U krijgt uw code in een volgend bericht.")


def choose(keywords: Sequence[str]) -> str:
    """Ask which consultation the message is about, listing as many keywords as fit."""
    if not keywords:
        return _("Er is op dit moment geen bevraging open. Kom later nog eens terug.")
    shown = list(keywords)
    while True:
        text = _(
            "Over welke bevraging gaat uw bericht? Antwoord met een van deze woorden: %(keywords)s",
            keywords=", ".join(shown + ([ELLIPSIS] if len(shown) < len(keywords) else [])),
        )
        if fits(text, MOST_SEGMENTS) or len(shown) == 1:
            return text
        shown.pop()


def prompt(title: str) -> str:
    """Confirm the chosen consultation and invite the resident's message."""
    shortened = title
    while True:
        text = _("U reageert op: %(title)s. Stuur nu uw mening in een bericht.", title=shortened)
        if fits(text, MOST_SEGMENTS) or len(shortened) <= len(ELLIPSIS):
            return text
        shortened = shortened[: max(len(shortened) - 10, 0)].rstrip() + ELLIPSIS


def closed() -> str:
    """Say the consultation no longer takes contributions."""
    return _("Deze bevraging is afgesloten. Reageren kan niet meer.")


def empty() -> str:
    """Say the message arrived without any text or picture."""
    return _("Uw bericht was leeg. Schrijf uw mening in een bericht en stuur het opnieuw.")


def not_found(reference: str) -> str:
    """Say politely that this number sent no contribution with that code."""
    return _(
        "We vinden geen bijdrage met code %(reference)s van dit nummer. Kijk de code na.",
        reference=reference,
    )


def status_usage() -> str:
    """Explain how to ask for a status."""
    return _("Stuur STATUS met uw code erachter, bijvoorbeeld STATUS K7M-4PQ.")


def stopped() -> str:
    """Confirm that no more messages will be sent to this number."""
    return _("U krijgt geen berichten meer van ons. Stuur START om ze weer te krijgen.")


def started() -> str:
    """Confirm that messages to this number are welcome again."""
    return _("U krijgt weer berichten van ons. Stuur STOP om ze niet meer te krijgen.")


def thanks_short(reference: str) -> str:
    """Thank the resident and give their code, before the first closed question."""
    return _("Bedankt! Uw code is %(reference)s.", reference=reference)


def question(number: int, total: int, text: str, options: Sequence[str], required: bool) -> str:
    """Ask one closed question with its numbered options, and how to answer or skip it."""
    asked = _(
        "Vraag %(number)d van %(total)d: %(question)s %(options)s",
        number=number,
        total=total,
        question=text,
        options=" ".join(f"{n}={label}" for n, label in enumerate(options, 1)),
    )
    if required:
        return asked + " " + _("Antwoord met een cijfer.")
    return asked + " " + _("Antwoord met een cijfer, of met VERDER om over te slaan.")


def not_understood() -> str:
    """Say the answer to a closed question was not understood (the question follows)."""
    return _("Dat antwoord begrepen we niet.")


def cannot_skip() -> str:
    """Say a required question cannot be skipped (the question follows)."""
    return _("Deze vraag kunt u niet overslaan.")


def answered(reference: str) -> str:
    """Thank the resident for answering the closed questions."""
    return _(
        "Bedankt voor uw antwoorden! Stuur STATUS %(reference)s om te zien hoe het ermee staat.",
        reference=reference,
    )
