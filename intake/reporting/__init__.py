"""What a consultation produced: results, reach, exports, themes and look-alikes.

Reporting reads what the intake stored and writes nothing back to contributions but the
themes staff shape; it registers the themes job and the `export` and `themes` commands.
"""

from intake.plugins import Plugin
from intake.reporting import cli
from intake.reporting.analysis.jobs import THEMES_JOB, compute_themes_job

plugin = Plugin(
    name="reporting",
    job_handlers={THEMES_JOB: compute_themes_job},
    commands=[cli.export, cli.themes],
    heavy_jobs={THEMES_JOB},
)
