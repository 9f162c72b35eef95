"""Paper forms for Inspraak: printing them (`ocr.forms`) and reading scans back (`ocr.reader`)."""

from intake.i18n import N_
from intake.jobs.download import DISK_FULL
from intake.plugins import Plugin
from ocr.cli import forms
from ocr.jobs import (
    AWAITING_SCAN_READING,
    READ_SCAN_JOB,
    SCAN_MISSING,
    SEVERAL_FORMS,
    read_scan_job,
)
from ocr.reader import result
from ocr.reader.errors import OCR_LANGUAGE_MISSING

plugin = Plugin(
    name="ocr",
    job_handlers={READ_SCAN_JOB: read_scan_job},
    commands=[forms],
    heavy_jobs={READ_SCAN_JOB},
    reasons={
        AWAITING_SCAN_READING: N_("De scan wordt nog gelezen"),
        SCAN_MISSING: N_("De scan ontbreekt"),
        SEVERAL_FORMS: N_("Het bestand bevat meerdere formulieren: kijk na of alles klopt"),
        result.NO_QR: N_("Geen QR-code gevonden op het formulier"),
        result.UNKNOWN_FORM: N_("Onbekend formulier: kies de bevraging"),
        result.MARKS_MISSING: N_("De hoekmarkeringen van het formulier ontbreken"),
        result.LOW_CONFIDENCE: N_("De computer is niet zeker van de tekst"),
        result.UNSURE_CHECKBOX: N_("Een vakje is niet duidelijk aangekruist"),
        result.NO_TEXT: N_("Geen tekst gevonden"),
        result.MISSING_PAGES: N_("Er ontbreken pagina's"),
        result.SEVERAL_TICKED: N_("Meer dan één vakje aangekruist"),
        # The phone line leaves the same reason: one label for both.
        result.QUESTION_UNANSWERED: N_("Een verplichte vraag bleef onbeantwoord"),
        "unreadable": N_("De scan is onleesbaar"),
        "empty_file": N_("Het bestand is leeg"),
        "unsupported_format": N_("Het bestand heeft een onbekend formaat"),
        "encrypted_pdf": N_("De pdf is beveiligd met een wachtwoord"),
        "corrupt_file": N_("Het bestand is beschadigd"),
        "corrupt_pdf": N_("De pdf is beschadigd"),
        "corrupt_image": N_("De afbeelding is beschadigd"),
        "too_many_pages": N_("Het bestand heeft te veel pagina's"),
        "image_too_large": N_("De afbeelding is te groot"),
        "timeout": N_("Het lezen duurde te lang"),
        "ocr_failed": N_("Tekstherkenning is mislukt"),
        OCR_LANGUAGE_MISSING: N_("Een taal ontbreekt in Tesseract op de server"),
        DISK_FULL: N_("De schijf was vol: het bestand kon niet worden bewaard"),
    },
    alerts={
        OCR_LANGUAGE_MISSING: N_("Tesseract mist een taal (nld, fra en eng zijn nodig)"),
        SCAN_MISSING: N_("Scans ontbreken in de mediaopslag"),
        DISK_FULL: N_("Schijf vol: ontvangen bestanden konden niet worden bewaard"),
    },
)
