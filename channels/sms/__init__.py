"""SMS and WhatsApp through Twilio: the Messaging webhook, MMS downloads and replies."""

from channels.sms.adapter import DELETE_MEDIA_JOB, MEDIA_JOB, SMS, WHATSAPP
from channels.sms.jobs import (
    delete_media_job,
    fetch_media_job,
    send_sms,
    send_whatsapp,
    sent_sms,
    sent_whatsapp,
    sms_meter,
)
from channels.sms.views import blueprint, replay
from intake.i18n import N_
from intake.jobs.download import DISK_FULL
from intake.plugins import Channel, Plugin

plugin = Plugin(
    name="sms",
    channels=[
        Channel(
            SMS,
            N_("Sms"),
            addresses={"phone": N_("Telefoonnummer")},
            answers_here=True,
            delivers=("phone",),
        ),
        Channel(WHATSAPP, N_("WhatsApp"), answers_here=True),
    ],
    reasons={
        "media_refused": N_("Het bestand werd geweigerd (bron of grootte)"),
        "media_unavailable": N_("Het bestand is niet meer beschikbaar"),
        DISK_FULL: N_("De schijf was vol: het bestand kon niet worden bewaard"),
    },
    alerts={DISK_FULL: N_("Schijf vol: ontvangen bestanden konden niet worden bewaard")},
    blueprints=[blueprint],
    job_handlers={MEDIA_JOB: fetch_media_job, DELETE_MEDIA_JOB: delete_media_job},
    senders={SMS: send_sms, WHATSAPP: send_whatsapp},
    finders={SMS: sent_sms, WHATSAPP: sent_whatsapp},
    meters={SMS: sms_meter},
    replayers={SMS: replay, WHATSAPP: replay},
    heavy_jobs={MEDIA_JOB},
    # Still runs when the message is erased before its media came home: the download job
    # then only has Twilio's copy deleted.
    after_erasure=(MEDIA_JOB,),
)
