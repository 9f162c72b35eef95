"""Contact details typed on a form: which numbers may be texted, and proving they are the
resident's own before anything but a confirmation is sent to them."""
