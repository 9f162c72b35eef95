"""The Telegram bot: webhook or long polling, voice notes and photos, replies as jobs."""

from channels.telegram.adapter import CHANNEL, FETCH_MEDIA_JOB, PROMPT_JOB
from channels.telegram.cli import telegram
from channels.telegram.jobs import fetch_media_job, prompt_job, send
from channels.telegram.views import blueprint
from intake.plugins import Plugin

plugin = Plugin(
    name=CHANNEL,
    blueprints=[blueprint],
    job_handlers={FETCH_MEDIA_JOB: fetch_media_job, PROMPT_JOB: prompt_job},
    commands=[telegram],
    senders={CHANNEL: send},
    heavy_jobs={FETCH_MEDIA_JOB},
)
