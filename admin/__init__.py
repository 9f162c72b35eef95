"""The staff area: one review queue across every channel, and what staff need around it."""

from admin import views
from admin.blueprint import blueprint
from admin.commands import erase, purge
from admin.replies import UPDATE_JOB, update_job
from admin.views.assisted import CHANNEL as ASSISTED
from intake.i18n import N_
from intake.plugins import Channel, Plugin

__all__ = ["plugin", "views"]

plugin = Plugin(
    name="admin",
    blueprints=[blueprint],
    job_handlers={UPDATE_JOB: update_job},
    commands=[purge, erase],
    # Staff type in what a resident says at the desk; a reply goes where their number leads.
    channels=[Channel(ASSISTED, N_("Met hulp ingevoerd"))],
)
