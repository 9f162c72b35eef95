"""Mail to the participation address: read from a real Dovecot, answered through real SMTP."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from channels.email.dialogue import ANSWERS_PER_HOUR
from channels.email.poller import Poller
from intake.consultations import save, seed_demo
from intake.jobs.worker import Worker
from intake.models import Contribution
from intake.runtime import Runtime
from intake.tenancy import scoped
from intake.tenant_setup import TenantChanges, add_tenant
from tests.channels.email.mails import RESIDENT, bounce, mail
from tests.support.imap import Mailbox
from tests.support.smtp import MAIL_FROM, MailServer, Received

DONE = "Inspraak/Verwerkt"
DOMAIN = MAIL_FROM.partition("@")[2]


def take_in(runtime: Runtime) -> int:
    """Read the mailbox once, as `inspraak email poll --once`, then run the worker."""
    handled = Poller(runtime).run(once=True)
    Worker(runtime).run(until_idle=True)
    return handled


def acknowledged(runtime: Runtime, mailbox: Mailbox, smtp: MailServer, text: str) -> Received:
    """Mail `text` in as the resident; return the acknowledgement they got back."""
    mailbox.deliver(mail(text))
    take_in(runtime)
    return smtp.to(RESIDENT)[-1]


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


def test_a_mail_delivered_twice_is_one_contribution_answered_once(
    inbox_town: Runtime, mailbox: Mailbox, smtp: MailServer
) -> None:
    twice = mail("Een zebrapad aan de school.")
    mailbox.deliver(twice)
    mailbox.deliver(twice)
    assert take_in(inbox_town) == 2
    assert len(contributions(inbox_town)) == 1
    assert len(smtp.to(RESIDENT)) == 1
    assert mailbox.count("INBOX") == 0 and mailbox.count(DONE) == 2
    # Read again (a move that failed after the commit): found stored, not stored twice.
    mailbox.deliver(twice)
    take_in(inbox_town)
    assert len(contributions(inbox_town)) == 1 and len(smtp.to(RESIDENT)) == 1


def test_auto_replies_and_list_mail_are_not_stored_nor_answered(
    inbox_town: Runtime, mailbox: Mailbox, smtp: MailServer
) -> None:
    mailbox.deliver(mail("Ik ben met verlof tot 5 januari.", Auto_Submitted="auto-replied"))
    mailbox.deliver(mail("Afwezig.", X_Autoreply="yes", subject="Afwezig"))
    mailbox.deliver(mail("Out of office", Precedence="auto_reply"))
    mailbox.deliver(mail("Nieuwsbrief van de buurt", List_Id="<buurt.lists.example.org>"))
    assert take_in(inbox_town) == 4
    assert contributions(inbox_town) == []
    assert smtp.received == []
    assert mailbox.count("INBOX") == 0 and mailbox.count(DONE) == 4


def test_a_bounce_marks_the_address_unreachable_and_is_not_answered(
    inbox_town: Runtime, mailbox: Mailbox, smtp: MailServer
) -> None:
    ours = acknowledged(inbox_town, mailbox, smtp, "Meer zitbanken.")
    mailbox.deliver(bounce(RESIDENT.upper(), str(ours.message["Message-ID"])))
    assert take_in(inbox_town) == 1
    [contribution] = contributions(inbox_town)
    assert contribution.contributor is not None
    assert contribution.contributor.unreachable and contribution.contributor.address is None
    assert len(smtp.received) == 1  # nothing went to the mailer daemon
    assert mailbox.count(DONE) == 2

    # The mailbox works again (it was full): the resident writes, and is answered again.
    acknowledged(inbox_town, mailbox, smtp, "Mijn mailbox was vol. Nog meer zitbanken!")
    assert len(smtp.to(RESIDENT)) == 2
    again = contributions(inbox_town)[-1].contributor
    assert again is not None and not again.unreachable and again.address


def test_an_oversized_mail_is_not_stored_and_the_sender_is_told_in_french(
    small_inbox_town: Runtime, mailbox: Mailbox, smtp: MailServer
) -> None:
    large = mail("Voici mon avis sur le parc, avec une photo.", Content_Language="fr")
    large.add_attachment(bytes(range(256)) * 200, "image", "jpeg", filename="parc.jpg")
    mailbox.deliver(large)
    assert take_in(small_inbox_town) == 1
    assert contributions(small_inbox_town) == []
    [answer] = smtp.to(RESIDENT)
    assert "trop volumineux" in answer.part("plain")
    assert answer.message["Content-Language"] == "fr"
    assert mailbox.count("INBOX") == 0 and mailbox.count(DONE) == 1


def test_an_html_only_mail_is_read_as_text_without_script_or_remote_content(
    inbox_town: Runtime, mailbox: Mailbox
) -> None:
    html = (
        "<html><head><style>p {color: red}</style><script>alert('x')</script></head><body>"
        "<p>Graag een <b>speeltuin</b> in de wijk.</p><img src='https://tracker.example/p.gif'>"
        "<div>Met vriendelijke groet</div>"
        "<blockquote>Oud bericht dat werd geciteerd</blockquote></body></html>"
    )
    mailbox.deliver(mail(None, html=html))
    take_in(inbox_town)
    [contribution] = contributions(inbox_town)
    assert contribution.text == "Graag een speeltuin in de wijk.\n\nMet vriendelijke groet"


def test_quoted_history_and_phone_signatures_are_left_out(
    inbox_town: Runtime, mailbox: Mailbox
) -> None:
    text = (
        "Ik steun het plan.\n\nVerzonden vanaf mijn iPhone\n\n"
        "Op 2 dec. 2026 om 10:00 heeft Gemeente Inspraak <inspraak@gemeente.example.be> het\n"
        "volgende geschreven:\n> Bedankt voor uw e-mail.\n"
    )
    mailbox.deliver(mail(text))
    take_in(inbox_town)
    assert [c.text for c in contributions(inbox_town)] == ["Ik steun het plan."]


def test_an_unknown_address_tag_waits_for_a_person_and_a_known_keyword_routes(
    inbox_town: Runtime, mailbox: Mailbox, smtp: MailServer
) -> None:
    with inbox_town.db.session() as session:
        save(
            session,
            {
                "slug": "park",
                "status": "open",
                "sms_keyword": "PARK",
                "texts": {"nl": {"title": "Het park", "question": "Wat wilt u in het park?"}},
            },
        )
        session.commit()
    mailbox.deliver(mail("Een hondenweide.", to=f"inspraak+onbekend@{DOMAIN}"))
    mailbox.deliver(mail("Meer bankjes.", subject="park: bankjes"))
    mailbox.deliver(mail("Een fietspad.", to=f"inspraak+demo@{DOMAIN}"))
    mailbox.deliver(mail("Geen idee waarover.", subject="Vraag"))
    take_in(inbox_town)
    found = {
        c.text: (c.consultation.slug if c.consultation else None, c.needs_person_reason)
        for c in contributions(inbox_town)
    }
    assert found == {
        "Een hondenweide.": (None, "email_no_consultation"),
        "Meer bankjes.": ("park", None),
        "Een fietspad.": ("demo", None),
        "Geen idee waarover.": (None, "email_no_consultation"),
    }
    # Each got its reference all the same.
    assert len(smtp.to(RESIDENT)) == 4


def test_a_sender_that_answers_every_answer_gets_few_answers(
    inbox_town: Runtime, mailbox: Mailbox, smtp: MailServer
) -> None:
    # An auto-responder without the headers that say so: each mail is stored, but the
    # answers stop after a few, so the two machines do not write to each other forever.
    for round_ in range(7):
        mailbox.deliver(mail(f"Automatisch antwoord nummer {round_}.", subject="Ontvangen"))
    take_in(inbox_town)
    assert len(contributions(inbox_town)) == 7
    assert len(smtp.to(RESIDENT)) == ANSWERS_PER_HOUR


def test_the_log_names_neither_the_sender_nor_what_they_wrote(
    inbox_town: Runtime, mailbox: Mailbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    mailbox.deliver(mail("Mijn buurman Jan Claes parkeert altijd op de stoep.", subject="Klacht"))
    take_in(inbox_town)
    [contribution] = contributions(inbox_town)
    # Inspraak's own lines; the test's SMTP server ("mail.log") logs the whole conversation.
    ours = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail."))
    assert contribution.reference in ours  # the mail's fate is logged …
    for secret in (RESIDENT, "Jan Claes", "Klacht", "An Peeters"):  # … but not who or what
        assert secret not in ours


def test_the_address_mailed_picks_the_municipality_and_answers_from_it(
    inbox_town: Runtime, mailbox: Mailbox, smtp: MailServer
) -> None:
    with inbox_town.db.session() as session:
        b = add_tenant(
            session,
            inbox_town.media,
            "gemeente-b",
            TenantChanges(name="Gemeente B", email_addresses=["inspraak@gemeente-b.be"]),
        ).id
        session.commit()
    with scoped(b), inbox_town.db.session() as session:
        seed_demo(session)
        session.commit()
    inbox_town.tenants.forget()
    mailbox.deliver(mail("Een bank bij de kerk van B.", to="inspraak+demo@gemeente-b.be"))
    mailbox.deliver(mail("Een bank bij de kerk van A."))
    assert take_in(inbox_town) == 2
    assert [c.text for c in contributions(inbox_town)] == ["Een bank bij de kerk van A."]
    with scoped(b):
        [of_b] = contributions(inbox_town)
    assert of_b.text == "Een bank bij de kerk van B."
    senders = {str(answer.message["From"]) for answer in smtp.to(RESIDENT)}
    assert any("inspraak@gemeente-b.be" in s for s in senders)
    assert any(MAIL_FROM in s for s in senders)
