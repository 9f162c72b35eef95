"""The staff area: one review queue across every channel, and what staff need around it."""

from admin import views
from admin.blueprint import blueprint
from admin.commands import erase, purge
from admin.replies import UPDATE_JOB, update_job
from intake.plugins import Plugin

__all__ = ["plugin", "views"]

plugin = Plugin(
    name="admin",
    blueprints=[blueprint],
    job_handlers={UPDATE_JOB: update_job},
    commands=[purge, erase],
)
