"""Paper forms for Inspraak: printing them (`ocr.forms`) and reading scans back (`ocr.reader`)."""

from intake.plugins import Plugin
from ocr.cli import forms
from ocr.jobs import READ_SCAN_JOB, read_scan_job

plugin = Plugin(
    name="ocr",
    job_handlers={READ_SCAN_JOB: read_scan_job},
    commands=[forms],
    heavy_jobs={READ_SCAN_JOB},
)
