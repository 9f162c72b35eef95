"""The e-mail sender the outbound and confirmation jobs call."""

from __future__ import annotations

from channels.email.adapter import to_mail
from channels.email.client import submit
from channels.email.stopping import stop_token
from intake.jobs import PermanentJobError
from intake.plugins import Outgoing
from intake.runtime import Runtime

STOP_PATH = "/hooks/email/stop/"


def send(runtime: Runtime, address: str, body: str, about: Outgoing) -> str:
    """Mail `body` to `address` in the resident's language; return the mail's Message-ID."""
    settings = runtime.tenant_settings()
    if settings.smtp_url is None or settings.mail_from is None or settings.public_url is None:
        raise PermanentJobError("e-mail is not configured (INSPRAAK_SMTP_URL)")
    stop_url = (
        f"{settings.public_url}{STOP_PATH}{stop_token(settings.secret_key, address)}"
        f"?lang={about.language}"
    )
    mail = to_mail(settings.mail_from, address, body, about, stop_url)
    submit(settings.smtp_url, mail, address)
    return str(mail["Message-ID"])
