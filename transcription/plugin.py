"""What transcription adds to Inspraak: the transcription job and the `models` commands."""

from intake.i18n import N_
from intake.plugins import Plugin
from transcription.cli import models
from transcription.jobs import (
    AUDIO_MISSING,
    AWAITING_TRANSCRIPTION,
    NO_SPEECH_MODEL,
    SPEECH_MODEL_BROKEN,
    TRANSCRIBE_JOB,
    transcribe_job,
)
from transcription.quality import Reason

plugin = Plugin(
    name="transcription",
    job_handlers={TRANSCRIBE_JOB: transcribe_job},
    commands=[models],
    heavy_jobs={TRANSCRIBE_JOB},
    reasons={
        AWAITING_TRANSCRIPTION: N_("De opname wordt nog uitgeschreven"),
        "audio_too_long": N_("De opname is te lang om uit te schrijven"),
        AUDIO_MISSING: N_("De opname ontbreekt"),
        "audio_error": N_("De opname kon niet worden gelezen"),
        "unsupported_audio": N_("De opname heeft een onbekend formaat"),
        "empty_audio": N_("De opname is stil of leeg"),
        Reason.SILENCE: N_("Er is niets te horen op de opname"),
        Reason.EMPTY: N_("Er werden geen woorden herkend"),
        Reason.TOO_SHORT: N_("De opname is te kort"),
        Reason.LOW_CONFIDENCE: N_("De computer is niet zeker van de tekst"),
        Reason.UNKNOWN_WORDS: N_("Veel woorden werden niet herkend"),
        Reason.IMPLAUSIBLE_RATE: N_(
            "De uitgeschreven tekst klopt niet met de lengte van de opname"
        ),
        NO_SPEECH_MODEL: N_("Er is geen spraakmodel voor deze taal"),
        SPEECH_MODEL_BROKEN: N_("Het spraakmodel werkt niet"),
        "transcription_failed": N_("Uitschrijven is mislukt"),
    },
    alerts={
        NO_SPEECH_MODEL: N_("Geen spraakmodel voor %(language)s"),
        SPEECH_MODEL_BROKEN: N_("Het spraakmodel voor %(language)s werkt niet"),
        AUDIO_MISSING: N_("Opnames ontbreken in de mediaopslag"),
    },
)
