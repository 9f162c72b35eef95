"""Names staff read for roles, text origins and review reasons (channels: intake.labels)."""

from __future__ import annotations

from intake.i18n import N_
from intake.i18n import gettext as _

__all__ = [
    "ORIGINS",
    "REASONS",
    "ROLES",
    "origin_label",
    "reason_label",
    "role_label",
]

ORIGINS = {
    "typed": N_("Getypt door de inwoner"),
    "transcribed": N_("Uitgeschreven uit een opname"),
    "ocr": N_("Gelezen van papier"),
    "corrected": N_("Verbeterd door een medewerker"),
    "none": N_("Nog geen tekst"),
}
# Why a contribution waits for a person, by the code the channel or engine left.
REASONS = {
    "awaiting_transcription": N_("De opname wordt nog uitgeschreven"),
    "awaiting_scan_reading": N_("De scan wordt nog gelezen"),
    "audio_too_long": N_("De opname is te lang om uit te schrijven"),
    "audio_missing": N_("De opname ontbreekt"),
    "audio_error": N_("De opname kon niet worden gelezen"),
    "unsupported_audio": N_("De opname heeft een onbekend formaat"),
    "empty_audio": N_("De opname is stil of leeg"),
    "silence": N_("Er is niets te horen op de opname"),
    "empty": N_("Er werden geen woorden herkend"),
    "too_short": N_("De opname is te kort"),
    "low_confidence": N_("De computer is niet zeker van de tekst"),
    "unknown_words": N_("Veel woorden werden niet herkend"),
    "implausible_rate": N_("De uitgeschreven tekst klopt niet met de lengte van de opname"),
    "no_speech_model": N_("Er is geen spraakmodel voor deze taal"),
    "speech_model_broken": N_("Het spraakmodel werkt niet"),
    "transcription_failed": N_("Uitschrijven is mislukt"),
    "media_not_downloaded": N_("Het bestand kon niet worden opgehaald"),
    "media_unavailable": N_("Het bestand is niet meer beschikbaar"),
    "media_refused": N_("Het bestand werd geweigerd (bron of grootte)"),
    "no_qr": N_("Geen QR-code gevonden op het formulier"),
    "unknown_form": N_("Onbekend formulier: kies de bevraging"),
    "marks_missing": N_("De hoekmarkeringen van het formulier ontbreken"),
    "unsure_checkbox": N_("Een vakje is niet duidelijk aangekruist"),
    "no_text": N_("Geen tekst gevonden"),
    "missing_pages": N_("Er ontbreken pagina's"),
    "unreadable": N_("De scan is onleesbaar"),
    "empty_file": N_("Het bestand is leeg"),
    "unsupported_format": N_("Het bestand heeft een onbekend formaat"),
    "encrypted_pdf": N_("De pdf is beveiligd met een wachtwoord"),
    "corrupt_file": N_("Het bestand is beschadigd"),
    "too_many_pages": N_("Het bestand heeft te veel pagina's"),
    "image_too_large": N_("De afbeelding is te groot"),
    "timeout": N_("Het lezen duurde te lang"),
    "ocr_failed": N_("Tekstherkenning is mislukt"),
}
ROLES = {
    "viewer": N_("lezer"),
    "moderator": N_("moderator"),
    "admin": N_("beheerder"),
}


def origin_label(origin: str) -> str:
    """Say where a text came from."""
    return _(ORIGINS[origin]) if origin in ORIGINS else origin


def reason_label(reason: str | None) -> str:
    """Say why a contribution waits for a person (the code itself when it is new)."""
    if not reason:
        return _("Ja")
    return _(REASONS[reason]) if reason in REASONS else reason


def role_label(role: str) -> str:
    """Name a staff role."""
    return _(ROLES[role]) if role in ROLES else role
