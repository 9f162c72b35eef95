"""Assisted entry, exports, erasure, retention and the audit trail."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import select, text

from channels.sms.adapter import TwilioMessage, spool_sender
from intake.inbound import InboundMedia
from intake.jobs.worker import Worker
from intake.models import (
    AuditEvent,
    Base,
    Consultation,
    ContactConfirmation,
    Contribution,
    Contributor,
    OutboundMessage,
    utcnow,
)
from intake.privacy import purge, remove_media
from intake.runtime import Runtime
from intake.spool import Entry
from tests.admin.conftest import demo_id, post
from tests.cli import inspraak
from tests.support.twilio import message_params


def test_assisted_entry_goes_through_receive_and_records_who_helped(
    signed_in: Callable[[str], FlaskClient], runtime: Runtime
) -> None:
    client = signed_in("moderator")
    page = client.get("/admin/assisted").get_data(as_text=True)
    nonce = re.search(r'name="nonce" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    form = {
        "consultation": str(demo_id(runtime)),
        "language": "fr",
        "text": "Plus de bancs",
        "postcode": "9000",
        "phone": "0470 00 00 21",
        "helper": "Bibliotheek Gent",
        "nonce": nonce,
    }
    first = post(client, "/admin/assisted", form, page="/admin/assisted")
    again = post(client, "/admin/assisted", form, page="/admin/assisted")
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]  # a double click stores once
    with runtime.db.session() as session:
        stored = session.scalars(select(Contribution)).one()
        assert (stored.channel, stored.language, stored.text) == ("assisted", "fr", "Plus de bancs")
        assert stored.answers["helper"] == "Bibliotheek Gent" and stored.answers["assisted_by"]
        # Typed by staff, so held until the resident reads out the code they got.
        assert stored.contributor is None
        held = session.scalars(select(ContactConfirmation)).one()
        assert (held.address, held.contribution_id) == ("+32470000021", stored.id)
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "contribution.assisted")
        ).one()
        assert event.target_id == stored.id
    missing = post(client, "/admin/assisted", {"consultation": "", "text": ""}, "/admin/assisted")
    assert missing.status_code == 422 and 'aria-invalid="true"' in missing.get_data(as_text=True)


def test_exports_match_the_cli_and_personal_data_is_admin_only_and_audited(
    signed_in: Callable[[str], FlaskClient], contribute: Callable[..., int], runtime: Runtime
) -> None:
    contribute("=SUM(A1) bomen", phone="+32470000031", author_name="Jan")
    contribute("Bancs", language="fr")
    consultation = demo_id(runtime)
    moderator = signed_in("moderator")
    plain = post(moderator, f"/admin/consultations/{consultation}/export", {"format": "json"})
    records = json.loads(plain.get_data(as_text=True))
    assert [r["text"] for r in records] == ["=SUM(A1) bomen", "Bancs"]
    assert "contact" not in records[0] and "author_name" not in records[0]
    cli = inspraak(runtime.settings.data_dir, "export", "demo", "--format", "json")
    assert json.loads(cli.stdout) == records
    admin = signed_in("admin")
    personal = post(
        admin, f"/admin/consultations/{consultation}/export", {"format": "csv", "personal": "1"}
    )
    assert personal.headers["Content-Disposition"].endswith('demo-personal.csv"')
    body = personal.get_data(as_text=True).removeprefix("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    assert rows[0]["text"] == "'=SUM(A1) bomen" and rows[0]["contact"] == "'+32470000031"
    assert rows[0]["author_name"] == "Jan"
    with runtime.db.session() as session:
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-1] == "export.personal" and "export" in actions


def _everything(runtime: Runtime) -> str:
    dump = []
    with runtime.db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(text(f"SELECT * FROM {table.name}")):
                dump.append(repr(tuple(row)))
    return "\n".join(dump)


def test_erasure_leaves_nothing_of_the_resident(
    signed_in: Callable[[str], FlaskClient], contribute: Callable[..., int], runtime: Runtime
) -> None:
    key, size = runtime.media.put_bytes(b"RIFF secret voice of An")
    shared, _ = runtime.media.put_bytes(b"a file someone else sent too")
    phone = "+32470000041"
    for words in ("Mijn geheime mening", "Nog een geheime mening"):
        contribute(
            words,
            phone=phone,
            author_name="An Geheim",
            postcode="9999",
            wants_updates=True,
            media=(
                InboundMedia("audio", "audio/wav", key, size),
                InboundMedia("photo", "image/png", shared, 1),
            ),
        )
    other = contribute(
        "Iemand anders",
        phone="+32470000042",
        media=(InboundMedia("photo", "image/png", shared, 1),),
    )
    admin = signed_in("admin")
    post(admin, f"/admin/c/{other}/note", {"note": "blijft"})
    found = post(
        admin, "/admin/privacy", {"kind": "phone", "address": "0470 00 00 41"}, "/admin/privacy"
    )
    html = found.get_data(as_text=True)
    assert html.count('class="ref"') == 2
    with runtime.db.session() as session:
        contributor_id = session.scalars(
            select(Contributor.id).where(Contributor.address == phone)
        ).one()
        session.add(
            OutboundMessage(
                contributor_id=contributor_id,
                channel="sms",
                language="nl",
                body="Bedankt An Geheim",
            )
        )
        session.commit()
    export = post(admin, f"/admin/privacy/{contributor_id}/export", {}, "/admin/privacy")
    assert len(json.loads(export.get_data(as_text=True))["contributions"]) == 2
    # Texts the database could not take: one set aside in spool/corrupt/, one still waiting.
    for sid in ("SMaside", "SMwaiting"):
        form = message_params("Mijn geheime sms", number=phone, sid=sid)
        sender = spool_sender(runtime.settings.secret_key, TwilioMessage.from_form(form))
        runtime.spool.put(Entry("sms", sid, form, sender=sender))
        if sid == "SMaside":
            assert runtime.spool.replay({}).set_aside == 1
    refused = post(admin, f"/admin/privacy/{contributor_id}/erase", {}, "/admin/privacy")
    assert refused.status_code == 422
    erased = post(
        admin, f"/admin/privacy/{contributor_id}/erase", {"confirm": "1"}, "/admin/privacy"
    )
    assert erased.status_code == 200
    dump = _everything(runtime)
    # The postcode is looked for as a stored value: bare digits also occur in timestamps.
    for trace in ("geheime", "An Geheim", "'9999'", phone, "+32470000041", key, "Bedankt An"):
        assert trace not in dump, trace
    spooled = b"".join(p.read_bytes() for p in runtime.spool.folder.rglob("*") if p.is_file())
    assert b"geheime" not in spooled and runtime.spool.set_aside_count() == 0
    assert not runtime.media.path(key).exists()
    assert runtime.media.path(shared).exists()  # still the other resident's original
    assert "Iemand anders" in dump and "blijft" in dump
    with runtime.db.session() as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert {"privacy.lookup", "privacy.export", "privacy.erase"} <= set(actions)


def test_purge_applies_retention_to_originals_and_contacts(
    contribute: Callable[..., int], runtime: Runtime
) -> None:
    old_key, _ = runtime.media.put_bytes(b"an old recording")
    new_key, _ = runtime.media.put_bytes(b"a new recording")
    now = utcnow()
    contribute(
        "oud",
        phone="+32470000051",
        received_at=now - timedelta(days=400),
        media=(InboundMedia("audio", "audio/wav", old_key, 16),),
    )
    contribute(
        "nieuw",
        phone="+32470000052",
        received_at=now - timedelta(days=10),
        media=(InboundMedia("audio", "audio/wav", new_key, 15),),
        author_name="Piet",
    )
    with runtime.db.session() as session:
        first = purge(session, now=now)
        session.commit()
        remove_media(runtime.media, first.media_keys)
        assert (first.attachments, first.contacts, first.media_keys) == (1, 0, (old_key,))
        demo = session.get(Consultation, demo_id(runtime))
        assert demo is not None
        demo.closes_at = now - timedelta(days=31)
        session.commit()
    result = inspraak(runtime.settings.data_dir, "purge")
    assert "1 originals" not in result.stdout and "2 contact details" in result.stdout
    assert not runtime.media.path(old_key).exists() and runtime.media.path(new_key).exists()
    with runtime.db.session() as session:
        assert session.scalars(select(Contributor.address)).all() == [None, None]
        assert session.scalars(select(Contribution.author_name)).all() == [None, None]
        assert session.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "retention.purge")
        ).all() == ["retention.purge"]


def test_the_audit_page_lists_who_did_what(
    signed_in: Callable[[str], FlaskClient], contribute: Callable[..., int], runtime: Runtime
) -> None:
    contribution = contribute(phone="+32470000061")
    moderator = signed_in("moderator")
    post(moderator, f"/admin/c/{contribution}/personal", {})
    post(moderator, f"/admin/c/{contribution}/status", {"status": "in_review"})
    html = signed_in("admin").get("/admin/audit").get_data(as_text=True)
    assert "moderator@gemeente.be" in html and "personal.view" in html
    assert "contribution.status" in html and "after=in_review" in html
    only = signed_in("admin").get("/admin/audit?action=personal.view").get_data(as_text=True)
    assert "contribution.status" not in only.split("<tbody>")[1]


def test_a_consultation_update_reaches_everyone_who_opted_in(
    signed_in: Callable[[str], FlaskClient], contribute: Callable[..., int], runtime: Runtime
) -> None:
    sent: list[tuple[str, str]] = []
    runtime.registry.senders["sms"] = lambda rt, address, body: sent.append((address, body))  # type: ignore[assignment,func-returns-value]
    contribute("a", phone="+32470000071", wants_updates=True, language="fr")
    contribute("b", phone="+32470000071", wants_updates=True, language="fr")
    contribute("c", phone="+32470000072", wants_updates=False)
    contribute("d", phone="+32470000073", wants_updates=True)
    client = signed_in("moderator")
    consultation = demo_id(runtime)
    response = post(
        client,
        f"/admin/consultations/{consultation}/announce",
        {"update_nl": "De raad beslist op 3 maart.", "update_fr": "Le conseil décide le 3 mars."},
        page=f"/admin/consultations/{consultation}",
    )
    assert response.status_code == 302
    Worker(runtime).run(until_idle=True)
    assert sorted(sent) == [
        ("+32470000071", "Le conseil décide le 3 mars."),
        ("+32470000073", "De raad beslist op 3 maart."),
    ]


def test_consultations_are_created_edited_opened_and_closed(
    signed_in: Callable[[str], FlaskClient], runtime: Runtime, tmp_path: Path
) -> None:
    admin = signed_in("admin")
    form = {
        "slug": "fietspad",
        "status": "draft",
        "sms_keyword": "fiets",
        "phone_digit": "2",
        "retention_days": "180",
        "closes_at": "2030-06-30",
        "nl_title": "Een fietspad",
        "nl_question": "Waar?",
        "fr_title": "Une piste cyclable",
        "fr_question": "Où ?",
    }
    saved = post(admin, "/admin/consultations/save", form, "/admin/consultations/new")
    assert saved.status_code == 302
    again = post(admin, "/admin/consultations/save", form, "/admin/consultations/new")
    assert again.status_code == 422
    clash = post(
        admin,
        "/admin/consultations/save",
        {**form, "slug": "ander", "sms_keyword": "DEMO"},
        "/admin/consultations/new",
    )
    assert clash.status_code == 422
    with runtime.db.session() as session:
        made = session.scalars(select(Consultation).where(Consultation.slug == "fietspad")).one()
        assert (made.sms_keyword, made.phone_digit, made.retention_days) == ("FIETS", "2", 180)
        assert made.text_in("fr").title == "Une piste cyclable"
    page = admin.get(f"/admin/consultations/{made.id}").get_data(as_text=True)
    assert "?start=fietspad" in page
    post(
        admin, f"/admin/consultations/{made.id}/status", {"action": "open"}, "/admin/consultations"
    )
    post(
        admin,
        "/admin/consultations/save",
        {**form, "id": str(made.id), "nl_title": "Fietspad!", "status": "open"},
        "/admin/consultations",
    )
    post(
        admin, f"/admin/consultations/{made.id}/status", {"action": "close"}, "/admin/consultations"
    )
    with runtime.db.session() as session:
        made = session.get(Consultation, made.id)
        assert made is not None and made.status == "closed"
        assert made.text_in("nl").title == "Fietspad!"
        assert made.closes_at is not None and made.closes_at <= utcnow()
