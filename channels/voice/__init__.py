"""Phone calls through Twilio Voice: a spoken menu, voicemail, and the recording's download."""

from channels.voice.adapter import ANSWER_JOB, CALLER, DELETE_JOB, HEAR_JOB, RECORDING_JOB, VOICE
from channels.voice.closed import UNANSWERED
from channels.voice.jobs import (
    UNCLEAR,
    delete_recording_job,
    fetch_answer_job,
    fetch_recording_job,
    hear_answer_job,
)
from channels.voice.views import blueprint, replay
from intake.i18n import N_
from intake.jobs.download import DISK_FULL
from intake.plugins import Channel, Plugin

plugin = Plugin(
    name=VOICE,
    # Callers are not answered by phone: a reply goes where a number they typed leads.
    channels=[
        Channel(
            VOICE, N_("Telefoon"), addresses={CALLER: N_("Telefoonnummer dat belde (oproepen)")}
        )
    ],
    reasons={
        "media_refused": N_("Het bestand werd geweigerd (bron of grootte)"),
        "media_unavailable": N_("Het bestand is niet meer beschikbaar"),
        "audio_too_long": N_("De opname is te lang om uit te schrijven"),
        DISK_FULL: N_("De schijf was vol: het bestand kon niet worden bewaard"),
        UNANSWERED: N_("Een verplichte vraag bleef onbeantwoord"),
        UNCLEAR: N_("Een gesproken antwoord werd niet herkend"),
    },
    alerts={DISK_FULL: N_("Schijf vol: ontvangen bestanden konden niet worden bewaard")},
    blueprints=[blueprint],
    replayers={VOICE: replay},
    job_handlers={
        RECORDING_JOB: fetch_recording_job,
        ANSWER_JOB: fetch_answer_job,
        HEAR_JOB: hear_answer_job,
        DELETE_JOB: delete_recording_job,
    },
    heavy_jobs={RECORDING_JOB, ANSWER_JOB, HEAR_JOB},
    # Still run when the call is erased before a recording came home: the download job
    # then only has Twilio's copy deleted.
    after_erasure=(RECORDING_JOB, ANSWER_JOB),
)
