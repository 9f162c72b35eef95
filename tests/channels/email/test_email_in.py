"""Mail to the participation address: read from a real Dovecot, answered through real SMTP."""

from __future__ import annotations

from sqlalchemy import select

from channels.email.poller import Poller
from intake.jobs.worker import Worker
from intake.models import Contribution
from intake.runtime import Runtime
from tests.channels.email.mails import RESIDENT, mail
from tests.support.imap import Mailbox
from tests.support.smtp import MailServer

DONE = "Inspraak/Verwerkt"


def take_in(runtime: Runtime) -> int:
    """Read the mailbox once, as `inspraak email poll --once`, then run the worker."""
    handled = Poller(runtime).run(once=True)
    Worker(runtime).run(until_idle=True)
    return handled


def contributions(runtime: Runtime) -> list[Contribution]:
    with runtime.db.session(write=False) as session:
        found = session.scalars(select(Contribution).order_by(Contribution.id)).all()
        for contribution in found:
            _ = contribution.attachments, contribution.consultation, contribution.contributor
        return list(found)


def test_a_plain_mail_becomes_a_contribution_and_is_moved(
    inbox_town: Runtime, mailbox: Mailbox, smtp: MailServer
) -> None:
    mailbox.deliver(
        mail(
            "Meer bomen in het park, graag.\n\n-- \nAn Peeters\nKerkstraat 1", Content_Language="nl"
        )
    )
    assert take_in(inbox_town) == 1
    [contribution] = contributions(inbox_town)
    assert contribution.channel == "email"
    assert contribution.text == "Meer bomen in het park, graag."
    assert contribution.language == "nl"
    assert contribution.consultation is not None and contribution.consultation.slug == "demo"
    assert not contribution.needs_person, contribution.needs_person_reason
    [original] = contribution.attachments
    assert original.kind == "email" and original.media_type == "message/rfc822"
    assert contribution.contributor is not None
    assert contribution.contributor.address == RESIDENT
    assert mailbox.count("INBOX") == 0 and mailbox.count(DONE) == 1
    [answer] = smtp.to(RESIDENT)
    assert contribution.reference in str(answer.message["Subject"])
    assert contribution.reference in answer.part("plain")
    assert answer.message["Auto-Submitted"] == "auto-generated"
