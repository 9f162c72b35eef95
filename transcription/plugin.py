"""What transcription adds to Inspraak: the transcription job and the `models` commands."""

from intake.plugins import Plugin
from transcription.cli import models
from transcription.jobs import TRANSCRIBE_JOB, transcribe_job

plugin = Plugin(
    name="transcription",
    job_handlers={TRANSCRIBE_JOB: transcribe_job},
    commands=[models],
    heavy_jobs={TRANSCRIBE_JOB},
)
