"""Mail that answers ours: follow-ups to a contribution, STATUS and STOP by mail."""

from __future__ import annotations

from sqlalchemy import select

from intake.models import Contributor
from intake.runtime import Runtime
from tests.channels.email.mails import RESIDENT, mail
from tests.channels.email.test_email_in import acknowledged, contributions, take_in
from tests.security.contact_helpers import app_of, fill_in, reference_on, work
from tests.support.imap import Mailbox
from tests.support.smtp import MailServer, Received

OTHER = "iemand.anders@example.net"


def _reply_to(ours: Received, text: str, *, sender: str = RESIDENT, **headers: str):
    reply = mail(
        text,
        sender=sender,
        subject=f"Re: {ours.message['Subject']}",
        In_Reply_To=str(ours.message["Message-ID"]),
        References=str(ours.message["Message-ID"]),
        **headers,
    )
    return reply


def test_a_reply_to_our_acknowledgement_is_added_to_the_contribution(
    inbox_town: Runtime, mailbox: Mailbox, smtp: MailServer
) -> None:
    ack = acknowledged(inbox_town, mailbox, smtp, "Meer bomen in het park.")
    reply = _reply_to(
        ack,
        "En ook een drinkfontein.\n\nOp 3 dec. 2026 om 10:00 schreef Gemeente Inspraak"
        " <inspraak@gemeente.example.be>:\n> Bedankt voor uw e-mail.\n",
    )
    mailbox.deliver(reply)
    mailbox.deliver(reply)  # delivered twice: added once
    take_in(inbox_town)
    [contribution] = contributions(inbox_town)
    assert contribution.text == "Meer bomen in het park.\n\nEn ook een drinkfontein."
    assert len(contribution.answers["follow_ups"]) == 1
    assert contribution.needs_person_reason == "email_follow_up"
    assert [a.kind for a in contribution.attachments] == ["email", "email"]
    answers = smtp.to(RESIDENT)
    assert len(answers) == 2 and contribution.reference in answers[1].part("plain")
    assert "toegevoegd" in answers[1].part("plain")
    assert mailbox.count("INBOX") == 0


def test_a_reply_from_another_address_is_not_added_to_someone_elses_contribution(
    inbox_town: Runtime, mailbox: Mailbox, smtp: MailServer
) -> None:
    ack = acknowledged(inbox_town, mailbox, smtp, "Meer bomen in het park.")
    mailbox.deliver(_reply_to(ack, "Ik ben het er niet mee eens.", sender=OTHER))
    take_in(inbox_town)
    first, second = contributions(inbox_town)
    assert first.text == "Meer bomen in het park." and "follow_ups" not in first.answers
    assert second.text == "Ik ben het er niet mee eens." and second.reference != first.reference


def test_a_reply_to_the_confirmation_mail_joins_the_web_contribution(
    inbox_town: Runtime, mailbox: Mailbox, smtp: MailServer
) -> None:
    page = fill_in(
        app_of(inbox_town).test_client(), text="Een speeltuin", contact=RESIDENT, consent="yes"
    )
    reference = reference_on(page.get_data(as_text=True))
    work(inbox_town)
    [confirmation] = smtp.to(RESIDENT)
    mailbox.deliver(_reply_to(confirmation, "Met schommels graag."))
    take_in(inbox_town)
    [contribution] = contributions(inbox_town)
    assert contribution.reference == reference and contribution.channel == "web"
    assert contribution.text == "Een speeltuin\n\nMet schommels graag."


def test_status_by_mail_answers_only_the_address_that_wrote(
    inbox_town: Runtime, mailbox: Mailbox, smtp: MailServer
) -> None:
    acknowledged(inbox_town, mailbox, smtp, "Meer bomen in het park.")
    [contribution] = contributions(inbox_town)
    mailbox.deliver(mail("", subject=f"STATUS {contribution.reference.lower()}"))
    mailbox.deliver(mail("", subject=f"STATUT {contribution.reference}", sender=OTHER))
    take_in(inbox_town)
    assert len(contributions(inbox_town)) == 1
    [_, status] = smtp.to(RESIDENT)
    assert contribution.reference in status.part("plain") and "Ontvangen" in status.part("plain")
    [refused] = smtp.to(OTHER)
    assert "Nous ne trouvons aucune contribution" in refused.part("plain")


def test_stop_by_mail_forgets_the_address_and_silences_later_mail(
    inbox_town: Runtime, mailbox: Mailbox, smtp: MailServer
) -> None:
    acknowledged(inbox_town, mailbox, smtp, "Meer bomen in het park.")
    mailbox.deliver(mail("STOP", subject="Re: Bericht over uw bijdrage"))
    take_in(inbox_town)
    with inbox_town.db.session(write=False) as session:
        [resident] = session.scalars(select(Contributor)).all()
        assert resident.opted_out and resident.address is None
    mailbox.deliver(mail("Nog een idee: een bank."))
    take_in(inbox_town)
    assert [c.text for c in contributions(inbox_town)][-1] == "Nog een idee: een bank."
    assert len(smtp.to(RESIDENT)) == 1  # only the first acknowledgement, nothing after STOP
    assert mailbox.count("INBOX") == 0
