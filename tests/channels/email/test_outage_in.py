"""The inbox is the spool: with the database away, mail waits there and is taken in later."""

from __future__ import annotations

from collections.abc import Callable

from channels.email.poller import Poller
from intake.config import Settings
from tests.channels.email.mails import RESIDENT, mail
from tests.channels.email.test_email_in import DONE, contributions
from tests.security.contact_helpers import PUBLIC_URL
from tests.support.dbproxy import DatabaseRelay
from tests.support.imap import Mailbox
from tests.support.outage import demo_runtime
from tests.support.smtp import MAIL_FROM, MailServer


def test_mail_stays_in_the_inbox_while_the_database_is_down(
    outage_settings: Callable[..., Settings],
    relay: DatabaseRelay,
    mailbox: Mailbox,
    smtp: MailServer,
) -> None:
    settings = outage_settings(
        INSPRAAK_PUBLIC_URL=PUBLIC_URL,
        INSPRAAK_SMTP_URL=smtp.url(),
        INSPRAAK_MAIL_FROM=MAIL_FROM,
        INSPRAAK_IMAP_URL=mailbox.url(),
    )
    with demo_runtime(settings) as runtime:
        mailbox.deliver(mail("Een bank in de schaduw."))
        relay.cut()
        assert Poller(runtime).run(once=True) == 0
        assert mailbox.count("INBOX") == 1 and mailbox.count(DONE) == 0
        relay.restore()
        assert Poller(runtime).run(once=True) == 1
        assert mailbox.count("INBOX") == 0 and mailbox.count(DONE) == 1
        assert [c.text for c in contributions(runtime)] == ["Een bank in de schaduw."]
        assert smtp.to(RESIDENT) == []  # the acknowledgement waits for the worker
