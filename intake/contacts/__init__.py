"""Contact details typed on a form: which numbers may be texted, and proving they are the
resident's own before anything but a confirmation is sent to them."""

from intake.contacts.send import CONFIRM_JOB, send_confirmation
from intake.plugins import Plugin

plugin = Plugin(name="contacts", job_handlers={CONFIRM_JOB: send_confirmation})
