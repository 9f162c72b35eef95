"""Paper forms: scanned files read into contributions, by import or from a watched folder."""

from channels.paper.adapter import CHANNEL
from channels.paper.cli import scans
from channels.paper.jobs import (
    FORGET_JOB,
    IMPORT_JOB,
    SUFFIXES,
    forget_file_job,
    import_file_job,
    outcome,
    queue_upload,
    uploader,
)
from intake.i18n import N_
from intake.plugins import Channel, Plugin, Upload

plugin = Plugin(
    name=CHANNEL,
    job_handlers={IMPORT_JOB: import_file_job, FORGET_JOB: forget_file_job},
    commands=[scans],
    heavy_jobs={IMPORT_JOB},
    # A form's reasons are the scan reader's (ocr); a reply goes where a typed number leads.
    channels=[Channel(CHANNEL, N_("Papier"))],
    uploads={
        "scans": Upload(
            N_("Gescande papieren formulieren of brieven"),
            SUFFIXES,
            IMPORT_JOB,
            queue=queue_upload,
            outcome=outcome,
            uploader=uploader,
        )
    },
)
