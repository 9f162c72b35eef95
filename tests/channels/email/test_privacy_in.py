"""Mail taken in follows the privacy rules: erasure, retention and the export cover it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from intake.models import Attachment, Contributor, utcnow
from intake.privacy import erase_contribution, purge, remove_media
from intake.runtime import Runtime
from tests.channels.email.mails import RESIDENT, mail
from tests.channels.email.test_email_in import contributions, take_in
from tests.support.imap import Mailbox
from tests.support.smtp import MailServer


def test_erasing_a_mail_contribution_removes_the_stored_mail(
    inbox_town: Runtime, mailbox: Mailbox, smtp: MailServer
) -> None:
    message = mail("Mijn adres staat in de kop van deze mail.")
    message.add_attachment(b"%PDF-1.4 not a real pdf", "application", "pdf", filename="plan.pdf")
    mailbox.deliver(message)
    take_in(inbox_town)
    [contribution] = contributions(inbox_town)
    keys = [a.sha256 for a in contribution.attachments if a.sha256]
    assert len(keys) >= 2
    assert all(inbox_town.media.path(key).is_file() for key in keys)
    with inbox_town.db.session() as session:
        _, erasure = erase_contribution(
            session, contribution.reference, secret=inbox_town.settings.secret_key, reason="vraag"
        )
        session.commit()
    remove_media(inbox_town.media, erasure.media_keys)
    assert not any(inbox_town.media.path(key).exists() for key in keys)
    with inbox_town.db.session(write=False) as session:
        assert session.scalars(select(Attachment)).all() == []
    # The same mail filed into the inbox again (by hand, or a server's second delivery)
    # does not bring the erased contribution back, and is not answered.
    answered = len(smtp.received)
    mailbox.deliver(message)
    take_in(inbox_town)
    assert contributions(inbox_town) == [] and len(smtp.received) == answered


def test_an_address_that_only_asked_is_forgotten_after_the_contact_days(
    inbox_town: Runtime, mailbox: Mailbox
) -> None:
    mailbox.deliver(mail("", subject="STATUS"))
    take_in(inbox_town)
    with inbox_town.db.session() as session:
        [asker] = session.scalars(select(Contributor)).all()
        assert asker.address == RESIDENT
        purge(session, now=utcnow() + timedelta(days=29), contact_days=30)
        assert asker.address == RESIDENT
        purge(session, now=utcnow() + timedelta(days=31), contact_days=30)
        session.commit()
    with inbox_town.db.session(write=False) as session:
        assert session.scalars(select(Contributor.address)).all() == [None]
