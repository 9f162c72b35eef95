"""E-mail out through a real SMTP server (STARTTLS, AUTH): links, replies, stop, refusals."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from intake.models import Contributor, Job, OutboundMessage, utcnow
from intake.outbound import SEND_JOB
from intake.runtime import Runtime
from tests.security.contact_helpers import (
    PUBLIC_URL,
    app_of,
    contribution,
    fill_in,
    reference_on,
    staff,
    staff_post,
    work,
)
from tests.support.smtp import MAIL_FROM as FROM
from tests.support.smtp import USER, MailServer, Received

MARIA = "maria.peeters@example.be"

LINK = re.compile(re.escape(PUBLIC_URL) + r"/confirm/([A-Za-z0-9_-]{40,})")


def _write_in(app: Flask, lang: str = "nl") -> str:
    page = fill_in(
        app.test_client(), text="Meer bankjes in het park", contact=MARIA, consent="yes", lang=lang
    )
    return reference_on(page.get_data(as_text=True))


def _confirm(client: FlaskClient, mail: Received) -> None:
    match = LINK.search(mail.part("plain"))
    assert match, mail.part("plain")
    form = client.get("/c/demo").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert csrf
    pressed = client.post(f"/confirm/{match.group(1)}", data={"csrf_token": csrf.group(1)})
    assert pressed.status_code == 302


def _reply(app: Flask, runtime: Runtime, reference: str, body: str) -> None:
    moderator = staff(app, runtime)
    typed = contribution(runtime, reference)
    staff_post(
        moderator,
        f"/admin/c/{typed.id}/reply",
        {"template": "", "body": body},
        f"/admin/c/{typed.id}",
    )


def _confirmed_resident(app: Flask, runtime: Runtime, smtp: MailServer) -> str:
    reference = _write_in(app)
    work(runtime)
    _confirm(app.test_client(), smtp.to(MARIA)[-1])
    return reference


def _reply_refused(town: Runtime, smtp: MailServer, answer: str) -> str:
    """Confirm Maria's address, then have the server answer `answer` to a staff reply."""
    app = app_of(town)
    reference = _confirmed_resident(app, town, smtp)
    smtp.refuse[MARIA] = answer
    _reply(app, town, reference, "Dank u.")
    work(town)
    assert len(smtp.to(MARIA)) == 1  # the confirmation only
    return reference


def test_the_confirmation_link_arrives_by_mail_in_the_residents_language(
    town: Runtime, smtp: MailServer
) -> None:
    reference = _write_in(app_of(town), lang="fr")
    work(town)
    (mail,) = smtp.to(MARIA)
    assert mail.over_tls and mail.login == USER  # STARTTLS, then AUTH
    assert mail.mail_from == FROM
    assert mail.message["Subject"] == f"Confirmez votre adresse e-mail (contribution {reference})"
    assert mail.message["Content-Language"] == "fr"
    plain, page = mail.part("plain"), mail.part("html")
    assert LINK.search(plain)
    assert "Confirmez que cette adresse e-mail est la vôtre" in plain
    assert '<html lang="fr">' in page and LINK.search(page)
    assert "<img" not in page and "src=" not in page  # nothing fetched, nothing tracks
    stop = mail.message["List-Unsubscribe"]
    assert stop.startswith(f"<{PUBLIC_URL}/hooks/email/stop/") and MARIA not in stop
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_staff_reply_to_a_web_contributor_arrives_in_the_mailbox(
    town: Runtime, smtp: MailServer
) -> None:
    app = app_of(town)
    reference = _confirmed_resident(app, town, smtp)
    _reply(app, town, reference, "Dank u, Maria. De bankjes komen er in het voorjaar.")
    work(town)
    mail = smtp.to(MARIA)[-1]
    assert mail.message["Subject"] == f"Bericht over uw bijdrage {reference}"
    assert "De bankjes komen er in het voorjaar." in mail.part("plain")
    assert '<html lang="nl">' in mail.part("html")
    assert "De bankjes komen er in het voorjaar." in mail.part("html")
    with town.db.session() as session:
        sent = session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)).all()[-1]
        assert (sent.channel, sent.status) == ("email", "sent")
        assert sent.provider_message_id == mail.message["Message-ID"]


def test_one_click_unsubscribe_stops_every_further_mail(town: Runtime, smtp: MailServer) -> None:
    app = app_of(town)
    reference = _confirmed_resident(app, town, smtp)
    stop_url = smtp.to(MARIA)[-1].message["List-Unsubscribe"].strip("<>")
    path = stop_url.removeprefix(PUBLIC_URL)

    # Opening the link (a mail scanner does) only shows the button.
    shown = app.test_client().get(path)
    assert shown.status_code == 200 and "Stuur mij geen e-mails meer" in shown.get_data(True)
    assert app.test_client().get(path.replace("/stop/", "/stop/x")).status_code == 404

    # The mail program's one click: a POST without any session (RFC 8058).
    clicked = app.test_client().post(path, data={"List-Unsubscribe": "One-Click"})
    assert clicked.status_code == 200
    assert "we sturen u geen e-mails meer" in clicked.get_data(True)
    with town.db.session() as session:
        resident = session.scalars(select(Contributor)).one()
        assert resident.opted_out and resident.address is None

    before = len(smtp.received)
    _reply(app, town, reference, "Nog een vraag over de bankjes?")
    # Whoever types the address on the form again gets no confirmation mail either.
    _write_in(app)
    work(town)
    assert len(smtp.received) == before


def test_a_permanent_refusal_marks_the_address_unreachable(town: Runtime, smtp: MailServer) -> None:
    _reply_refused(town, smtp, "550 5.1.1 Mailbox does not exist")  # the confirmation only
    with town.db.session() as session:
        resident = session.scalars(select(Contributor)).one()
        assert resident.unreachable and resident.address is None
        sent = session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)).all()[-1]
        assert sent.status == "failed" and "550" in (sent.error or "")
        assert MARIA not in (sent.error or "")


def test_a_temporary_refusal_is_tried_again(town: Runtime, smtp: MailServer) -> None:
    reference = _reply_refused(town, smtp, "451 4.3.0 Try again later")
    with town.db.session() as session:
        job = session.scalars(select(Job).where(Job.kind == SEND_JOB)).one()
        assert job.status == "queued" and job.attempts == 1 and "451" in (job.last_error or "")
        assert MARIA not in (job.last_error or "")

    del smtp.refuse[MARIA]
    with town.db.session() as session:
        session.execute(update(Job).where(Job.kind == SEND_JOB).values(run_after=utcnow()))
        session.commit()
    work(town)
    assert smtp.to(MARIA)[-1].message["Subject"] == f"Bericht over uw bijdrage {reference}"
    with town.db.session() as session:
        resident = session.scalars(select(Contributor)).one()
        assert not resident.unreachable and resident.address == MARIA
