"""The Telegram bot: webhook or long polling, voice notes and photos, replies as jobs."""

from channels.telegram.adapter import (
    CHANNEL,
    EDIT_JOB,
    FETCH_MEDIA_JOB,
    MEDIA_NOT_DOWNLOADED,
    PROMPT_JOB,
)
from channels.telegram.cli import telegram
from channels.telegram.jobs import edit_job, fetch_media_job, prompt_job, send
from channels.telegram.views import blueprint, replay
from intake.i18n import N_
from intake.jobs.download import DISK_FULL
from intake.plugins import Channel, Plugin

plugin = Plugin(
    name=CHANNEL,
    blueprints=[blueprint],
    job_handlers={FETCH_MEDIA_JOB: fetch_media_job, PROMPT_JOB: prompt_job, EDIT_JOB: edit_job},
    commands=[telegram],
    senders={CHANNEL: send},
    replayers={CHANNEL: replay},
    channels=[
        Channel(
            CHANNEL,
            N_("Telegram"),
            addresses={CHANNEL: N_("Telegram-nummer")},
            answers_here=True,
            delivers=(CHANNEL,),
        )
    ],
    reasons={
        MEDIA_NOT_DOWNLOADED: N_("Het bestand kon niet worden opgehaald"),
        DISK_FULL: N_("De schijf was vol: het bestand kon niet worden bewaard"),
    },
    alerts={DISK_FULL: N_("Schijf vol: ontvangen bestanden konden niet worden bewaard")},
    heavy_jobs={FETCH_MEDIA_JOB},
)
