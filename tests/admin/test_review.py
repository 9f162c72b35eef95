"""Reviewing one contribution: text history, status with updates, tags, duplicates, replies."""

from __future__ import annotations

import io
import wave
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select

from intake.evidence import TimedWord, Transcript
from intake.inbound import InboundMedia
from intake.jobs.worker import Worker
from intake.models import (
    AuditEvent,
    Contribution,
    OutboundMessage,
    ReviewNote,
    ReviewState,
    TextRevision,
)
from intake.runtime import Runtime
from tests.admin.conftest import demo_id, post


def _sent_through(runtime: Runtime, channel: str) -> list[tuple[str, str]]:
    sent: list[tuple[str, str]] = []

    def send(rt: Runtime, address: str, body: str) -> str:
        sent.append((address, body))
        return f"id{len(sent)}"

    # The real channel may be installed too: this test's runtime talks to a recorder instead.
    runtime.registry.senders[channel] = send
    return sent


def test_correcting_keeps_the_machines_text_in_the_history(
    signed_in: Callable[[str], FlaskClient], contribute: Callable[..., int], runtime: Runtime
) -> None:
    contribution = contribute("meer boomen in het bark", channel="voice", text_origin="transcribed")
    client = signed_in("moderator")
    response = post(client, f"/admin/c/{contribution}/text", {"text": "Meer bomen in het park"})
    assert response.status_code == 302
    post(client, f"/admin/c/{contribution}/text", {"text": "Meer bomen in het park!"})
    with runtime.db.session() as session:
        stored = session.get(Contribution, contribution)
        assert stored is not None
        assert (stored.text, stored.text_origin) == ("Meer bomen in het park!", "corrected")
        history = session.scalars(select(TextRevision).order_by(TextRevision.id)).all()
        assert [(h.text, h.text_origin) for h in history] == [
            ("meer boomen in het bark", "transcribed"),
            ("Meer bomen in het park", "corrected"),
        ]
    html = client.get(f"/admin/c/{contribution}").get_data(as_text=True)
    assert "meer boomen in het bark" in html and "Verbeterd door een medewerker" in html


def test_a_status_change_reaches_a_resident_who_asked_for_updates(
    signed_in: Callable[[str], FlaskClient], contribute: Callable[..., int], runtime: Runtime
) -> None:
    sent = _sent_through(runtime, "sms")
    wants = contribute("Un banc", language="fr", phone="+32470000011", wants_updates=True)
    quiet = contribute("Een bank", phone="+32470000012")
    client = signed_in("moderator")
    for contribution in (wants, quiet):
        response = post(
            client, f"/admin/c/{contribution}/status", {"status": "accepted", "reason": "ok"}
        )
        assert response.status_code == 302
    post(client, f"/admin/c/{wants}/status", {"status": "accepted", "reason": "nog eens"})
    Worker(runtime).run(until_idle=True)
    assert len(sent) == 1
    address, body = sent[0]
    assert address == "+32470000011"
    assert body.startswith("Des nouvelles de votre contribution") and "Prise en compte" in body
    with runtime.db.session() as session:
        state = session.get(ReviewState, wants)
        assert state is not None and state.status_reason == "nog eens"
        changes = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "contribution.status")
        ).all()
        assert [(e.target_id, e.details["after"]) for e in changes][:2] == [
            (wants, "accepted"),
            (quiet, "accepted"),
        ]
        assert all(e.actor_id is not None for e in changes)


def test_duplicates_name_the_contribution_they_repeat(
    signed_in: Callable[[str], FlaskClient], contribute: Callable[..., int], runtime: Runtime
) -> None:
    first, second = contribute("Bomen"), contribute("Bomen!")
    client = signed_in("moderator")
    refused = post(client, f"/admin/c/{second}/status", {"status": "duplicate"})
    assert refused.status_code == 422
    with runtime.db.session() as session:
        reference = session.get(Contribution, first).reference  # type: ignore[union-attr]
    response = post(
        client,
        f"/admin/c/{second}/status",
        {"status": "duplicate", "duplicate_of": reference.lower(), "reason": "zelfde"},
    )
    assert response.status_code == 302
    html = client.get(f"/admin/c/{second}").get_data(as_text=True)
    assert reference in html and "Samengevoegd" in html
    with runtime.db.session() as session:
        state = session.get(ReviewState, second)
        assert state is not None and state.duplicate_of_id == first


def test_tags_notes_and_assignment(
    signed_in: Callable[[str], FlaskClient], contribute: Callable[..., int], runtime: Runtime
) -> None:
    contribution = contribute()
    client = signed_in("moderator")
    post(client, f"/admin/c/{contribution}/tags", {"tags": "Bomen, verkeer, bomen"})
    post(client, f"/admin/c/{contribution}/note", {"note": "Bel de dienst groen"})
    with runtime.db.session() as session:
        from intake.models import StaffUser

        me = session.scalars(select(StaffUser.id)).one()
    post(client, f"/admin/c/{contribution}/assign", {"assignee": str(me)})
    html = client.get(f"/admin/c/{contribution}").get_data(as_text=True)
    assert 'value="bomen, verkeer"' in html and "Bel de dienst groen" in html
    with runtime.db.session() as session:
        assert session.get(ReviewState, contribution).assigned_to_id == me  # type: ignore[union-attr]
        assert session.scalars(select(ReviewNote.body)).all() == ["Bel de dienst groen"]


def test_replies_go_out_in_the_residents_language_through_their_channel(
    signed_in: Callable[[str], FlaskClient], contribute: Callable[..., int], runtime: Runtime
) -> None:
    sent = _sent_through(runtime, "telegram")
    contribution = contribute("Hello", channel="telegram", language="en", phone="+32470000013")
    client = signed_in("moderator")
    html = client.get(f"/admin/c/{contribution}").get_data(as_text=True)
    assert "Thank you for your contribution" in html
    assert post(client, f"/admin/c/{contribution}/reply", {"template": "thanks"}).status_code == 302
    post(client, f"/admin/c/{contribution}/reply", {"template": "", "body": "See you Monday"})
    Worker(runtime).run(until_idle=True)
    assert [body for _address, body in sent][1] == "See you Monday"
    assert sent[0][1].startswith("Thank you for your contribution")
    no_contact = contribute("Anoniem")
    response = post(client, f"/admin/c/{no_contact}/reply", {"body": "Dag"})
    assert response.status_code == 422
    with runtime.db.session() as session:
        assert len(session.scalars(select(OutboundMessage)).all()) == 2


def test_unsure_words_are_marked_and_originals_are_shown(
    signed_in: Callable[[str], FlaskClient], contribute: Callable[..., int], runtime: Runtime
) -> None:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x01" * 8000)
    audio_key, audio_size = runtime.media.put_bytes(buffer.getvalue())
    heard = Transcript(words=(TimedWord("meer", 0.1, 0.4, 0.95), TimedWord("bomen", 0.4, 0.9, 0.3)))
    recording = InboundMedia(
        "audio", "audio/wav", audio_key, audio_size, 1.0, details=heard.stored_in({})
    )
    contribution = contribute(
        "meer bomen", channel="voice", text_origin="transcribed", media=(recording,)
    )
    client = signed_in("viewer")
    html = client.get(f"/admin/c/{contribution}").get_data(as_text=True)
    assert '<mark class="unsure">bomen' in html and "<audio controls" in html
    assert '<mark class="unsure">meer' not in html
    with runtime.db.session() as session:
        attachment_id = session.get(Contribution, contribution).attachments[0].id  # type: ignore[union-attr]
    whole = client.get(f"/admin/media/{attachment_id}")
    assert whole.status_code == 200 and whole.get_data() == buffer.getvalue()
    whole.close()
    part = client.get(f"/admin/media/{attachment_id}", headers={"Range": "bytes=4-11"})
    assert part.status_code == 206
    assert part.get_data() == buffer.getvalue()[4:12]
    assert part.headers["Content-Range"] == f"bytes 4-11/{audio_size}"
    part.close()
    outside = client.get(f"/admin/media/{attachment_id}", headers={"Range": "bytes=99999-"})
    assert outside.status_code == 416
    outside.close()


def test_personal_data_is_shown_on_request_and_logged(
    signed_in: Callable[[str], FlaskClient], contribute: Callable[..., int], runtime: Runtime
) -> None:
    contribution = contribute("Bank", phone="+32470000014", author_name="An Peeters")
    client = signed_in("moderator")
    assert "An Peeters" not in client.get(f"/admin/c/{contribution}").get_data(as_text=True)
    html = post(client, f"/admin/c/{contribution}/personal", {}).get_data(as_text=True)
    assert "An Peeters" in html and "+32470000014" in html
    with runtime.db.session() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "personal.view")
        ).one()
        assert event.target_id == contribution and event.actor_id is not None


def test_a_letter_without_a_form_is_filed_under_a_consultation_by_staff(
    signed_in: Callable[[str], FlaskClient], contribute: Callable[..., int], runtime: Runtime
) -> None:
    letter = contribute("Beste, ik schrijf over het park.", channel="paper", consultation_id=None)
    viewer = signed_in("viewer")
    refused = post(viewer, f"/admin/c/{letter}/consultation", {"consultation_id": "1"})
    assert refused.status_code == 403
    client = signed_in("moderator")
    assert (
        post(client, f"/admin/c/{letter}/consultation", {"consultation_id": ""}).status_code == 422
    )
    demo = demo_id(runtime)
    moved = post(client, f"/admin/c/{letter}/consultation", {"consultation_id": str(demo)})
    assert moved.status_code == 302
    with runtime.db.session() as session:
        assert session.get(Contribution, letter).consultation_id == demo  # type: ignore[union-attr]
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "contribution.consultation")
        ).one()
        assert event.target_id == letter and event.details["to"] == demo


def test_why_a_contribution_waits_for_a_person_is_said_in_words(
    signed_in: Callable[[str], FlaskClient], contribute: Callable[..., int]
) -> None:
    waiting = contribute("", channel="paper", needs_person_reason="unknown_form")
    client = signed_in("viewer")
    assert "Onbekend formulier: kies de bevraging" in client.get(f"/admin/c/{waiting}").text
    french = client.get(f"/admin/c/{waiting}?lang=fr").text
    assert "unknown_form" not in french.split("<main")[1]
