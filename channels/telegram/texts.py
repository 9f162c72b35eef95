"""What the bot says, in the current language, and the buttons it offers."""

from __future__ import annotations

from collections.abc import Sequence

from channels.telegram.client import Buttons
from intake.i18n import LANGUAGE_NAMES, LANGUAGES
from intake.i18n import gettext as _
from intake.labels import status_explanation, status_label
from intake.models import Consultation

LANGUAGE_CHOICE = "lang:"
CONSULTATION_CHOICE = "c:"


def language_prompt(first: str) -> tuple[str, Buttons]:
    """Ask for a language; the resident's own app language comes first."""
    ordered = sorted(LANGUAGES, key=lambda code: code != first)
    buttons = [[(LANGUAGE_NAMES[code], f"{LANGUAGE_CHOICE}{code}")] for code in ordered]
    text = _("Welkom! Hier geeft u uw mening aan de gemeente. In welke taal wilt u verder?")
    return text, buttons


def consultation_prompt(
    consultations: Sequence[Consultation], language: str, lead: str | None = None
) -> tuple[str, Buttons]:
    """Ask which consultation the resident wants to answer, one button each."""
    buttons = [[(c.text_in(language).title, f"{CONSULTATION_CHOICE}{c.id}")] for c in consultations]
    question = _("Over welke vraag van de gemeente wilt u iets zeggen?")
    return _paragraphs(lead, question), buttons


def question(consultation: Consultation, language: str, lead: str | None = None) -> str:
    """Show a consultation's question and how to answer it."""
    texts = consultation.text_in(language)
    how = _(
        "Stuur uw antwoord hier als bericht: typ het, spreek een spraakbericht in, "
        "of stuur een foto of PDF van uw ingevulde formulier."
    )
    return _paragraphs(
        lead, texts.title, texts.question, how, _("Liever een andere taal? Stuur /language.")
    )


def closed_question(
    number: int, total: int, text: str, required: bool, lead: str | None = None
) -> str:
    """Ask one closed question; its options are the buttons below."""
    asked = _(
        "Vraag %(number)d van %(total)d: %(question)s", number=number, total=total, question=text
    )
    if required:
        how = _("Tik op uw antwoord, of typ het.")
    else:
        how = _("Tik op uw antwoord, of typ het. Liever niet antwoorden? Tik op Verder.")
    return _paragraphs(lead, asked, how)


def skip_button() -> str:
    """Label the button that skips an optional closed question."""
    return _("Verder")


def closed_answer(text: str, label: str | None) -> str:
    """Show an answered closed question (its buttons gone) with the answer, or "skipped"."""
    given = _("Uw antwoord: %(answer)s", answer=label) if label else _("Overgeslagen")
    return _paragraphs(text, f"✓ {given}")


def not_understood() -> str:
    """Say a typed answer to a closed question was not understood (the question follows)."""
    return _("Dat antwoord begrepen we niet.")


def cannot_skip() -> str:
    """Say a required question cannot be skipped."""
    return _("Deze vraag kunt u niet overslaan. Kies een antwoord.")


def not_current() -> str:
    """Answer a tap on a button of a question that is not the one being asked now."""
    return _("Die vraag is al beantwoord of niet meer aan de beurt. Antwoord op de laatste vraag.")


def answered(reference: str) -> str:
    """Thank the resident for answering the closed questions."""
    return _(
        "Bedankt voor uw antwoorden! Met /status %(reference)s ziet u later hoe het ermee staat.",
        reference=reference,
    )


def spooled() -> str:
    """Thank the resident when the message is kept for later: the reference follows."""
    return _(
        "Bedankt! Uw bericht is goed aangekomen. U krijgt uw referentie in een volgend bericht."
    )


def thanks(reference: str) -> str:
    """Confirm a contribution and give its reference."""
    return _paragraphs(
        _(
            "Bedankt! We hebben uw bijdrage goed ontvangen. Uw referentie is %(reference)s.",
            reference=reference,
        ),
        _(
            "Met /status %(reference)s ziet u later hoe het ermee staat. "
            "Wilt u geen berichten meer van ons? Stuur /stop.",
            reference=reference,
        ),
    )


def status(reference: str, state: str) -> str:
    """Say where a contribution stands."""
    return _(
        "Bijdrage %(reference)s: %(label)s. %(explanation)s",
        reference=reference,
        label=status_label(state),
        explanation=status_explanation(state),
    )


def status_unknown(reference: str) -> str:
    """Say that this resident sent no contribution with this reference (or none exists)."""
    return _(
        "We vinden geen bijdrage met referentie %(reference)s die u hier stuurde. "
        "Kijk de referentie na en probeer het opnieuw.",
        reference=reference,
    )


def status_paused() -> str:
    """Say that the bot answers no more status questions for a while."""
    return _(
        "U vroeg de laatste tijd vaak naar de stand. Probeer het over een uur opnieuw; "
        "tot dan antwoorden we niet op /status."
    )


def status_usage() -> str:
    """Explain how to ask for a status."""
    return _("Stuur /status met uw referentie erachter, bijvoorbeeld: /status K7M-4PQ")


def help_text(lead: str | None = None) -> str:
    """Explain what the bot does and its commands."""
    return _paragraphs(
        lead,
        _("Stuur uw mening als tekst, spraakbericht, foto of PDF. U krijgt een referentie terug."),
        "\n".join(
            (
                _("/start – opnieuw beginnen en een vraag kiezen"),
                _("/language – een andere taal kiezen"),
                _("/status REFERENTIE – zien hoe het met uw bijdrage staat"),
                _("/stop – geen berichten meer van ons krijgen"),
            )
        ),
    )


def unknown_command() -> str:
    """Say that a command does not exist, then help."""
    return help_text(_("Dat commando kennen we niet."))


def stopped() -> str:
    """Confirm that the bot will stay silent."""
    return _(
        "U krijgt geen berichten meer van ons. Wilt u toch weer antwoord krijgen? Stuur /start."
    )


def none_open() -> str:
    """Say that there is nothing to answer right now."""
    return _("Er is op dit moment geen vraag van de gemeente open. Kom later gerust terug.")


def unknown_consultation() -> str:
    """Say that a deep link or button led to no open consultation."""
    return _("Die vraag vinden we niet, of ze is al afgesloten.")


def closed() -> str:
    """Say that the consultation the resident was answering has closed."""
    return _("Die vraag is intussen afgesloten. U kunt er niet meer op reageren.")


def choose_first() -> str:
    """Ask for a consultation before taking a message."""
    return _("Kies eerst over welke vraag uw bericht gaat. Stuur daarna uw bericht opnieuw.")


def edited() -> str:
    """Explain that an edit does not change what was received."""
    return _(
        "U hebt een bericht aangepast. We bewaren het bericht zoals u het eerst stuurde. "
        "Wilt u iets toevoegen of verbeteren? Stuur dan een nieuw bericht."
    )


def too_large() -> str:
    """Refuse a file over the download limit."""
    return _(
        "Dit bestand is te groot: we kunnen bestanden tot 20 MB aannemen. "
        "Stuur een kleiner bestand, of typ uw mening als tekst."
    )


def unsupported(what: str) -> str:
    """Refuse a file type or kind of message the bot cannot take."""
    if what == "document":
        lead = _("Dit soort bestand kunnen we niet lezen.")
    else:
        lead = _("Dit soort bericht kunnen we niet verwerken.")
    return f"{lead} {_('Stuur tekst, een spraakbericht, een foto of een PDF.')}"


def _paragraphs(*parts: str | None) -> str:
    return "\n\n".join(part for part in parts if part)
