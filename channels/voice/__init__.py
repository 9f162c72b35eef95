"""Phone calls through Twilio Voice: a spoken menu, voicemail, and the recording's download."""

from channels.voice.adapter import DELETE_JOB, RECORDING_JOB
from channels.voice.jobs import delete_recording_job, fetch_recording_job
from channels.voice.views import blueprint
from intake.plugins import Plugin

plugin = Plugin(
    name="voice",
    blueprints=[blueprint],
    job_handlers={RECORDING_JOB: fetch_recording_job, DELETE_JOB: delete_recording_job},
    heavy_jobs={RECORDING_JOB},
    # Still runs when the call is erased before the recording came home: the download job
    # then only has Twilio's copy deleted.
    after_erasure=(RECORDING_JOB,),
)
