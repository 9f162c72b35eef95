"""Logging set-up with a safety net: no phone number, e-mail address or driver message gets out.

Inspraak's own log lines name ids and reason codes only (see `intake.errors`). The filter
below is for what slips through anyway: a library's exception logged with its traceback, or
a number in someone else's message. It is put on every handler the process configures.
"""

from __future__ import annotations

import logging
import re

from intake.errors import safe_traceback

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# A phone number in any usual spelling (+32 470 12 34 56, 0032470123456, 0470/12.34.56):
# nine or more digits, with spaces, dots or slashes between them.
PHONE = re.compile(r"(?<![\w.])(?:\+|00)?\d(?:[ ./]?\d){8,}(?![\w])")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def scrub(text: str) -> str:
    """Replace what looks like a phone number or an e-mail address."""
    return EMAIL.sub("[e-mail]", PHONE.sub("[number]", text))


class PersonalDataFilter(logging.Filter):
    """Rewrite a record so it carries no personal data: scrubbed text, a safe traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            # Formatters print `exc_text` when there is no `exc_info` left to format.
            record.exc_text = safe_traceback(record.exc_info[1])
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        message = record.getMessage()
        record.msg, record.args = scrub(message), None
        return True


def protect(handler: logging.Handler) -> None:
    """Put the filter on `handler`, once."""
    if not any(isinstance(f, PersonalDataFilter) for f in handler.filters):
        handler.addFilter(PersonalDataFilter())


def configure(level: int = logging.INFO) -> None:
    """Log to standard error at `level`, every handler of the root logger protected."""
    logging.basicConfig(level=level, format=FORMAT)
    for handler in logging.getLogger().handlers:
        protect(handler)
