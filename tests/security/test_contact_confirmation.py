"""Finding 1: the web form made the municipality text any number anyone typed.

Each attack goes through the real app, with Twilio's webhook signed by the real validator
and every SMS sent by the real worker to the fake Twilio. A typed number now waits for its
owner to type the code it received; nothing else reaches it, and its resident is untouched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, update

from intake.hashing import keyed_hash
from intake.models import ContactConfirmation, Contribution, Contributor, Job, utcnow
from intake.runtime import Runtime
from tests.security.contact_helpers import (
    RECORD,
    VICTIM,
    VICTIM_TYPED,
    app_of,
    code_in,
    contribution,
    fill_in,
    messages,
    record_of,
    reference_on,
    staff,
    staff_post,
    start_town,
    text_in,
    texts_to,
    type_code,
    work,
)
from tests.support.twilio import FakeTwilio, fake_twilio

ATTACKER_IP = "203.0.113.66"


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    """A fake Twilio account on 127.0.0.1."""
    with fake_twilio() as fake:
        yield fake


@pytest.fixture
def town(database_url: str, tmp_path: Path, twilio: FakeTwilio) -> Iterator[Runtime]:
    """An instance on SQLite and on PostgreSQL, texting through the fake Twilio."""
    runtime = start_town(tmp_path / "data", database_url, twilio)
    yield runtime
    runtime.db.dispose()


@pytest.fixture
def site(town: Runtime) -> Flask:
    """The real web app of the instance."""
    return app_of(town)


def _without_tokens(html: str, reference: str) -> str:
    return re.sub(r'value="[^"]*"', "", html.replace(reference, "REF"))


def _victim_hash(runtime: Runtime) -> str:
    return keyed_hash(runtime.settings.secret_key, "phone", VICTIM)


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("+881 6 1234 5678", "satellite"),
        ("+8816 12345678", "satellite"),
        ("0900 12 345", "premium rate"),
        ("078 15 00 00", "shared cost"),
        ("+33 6 12 34 56 78", "a foreign mobile"),
        ("09 210 10 10", "a landline"),
    ],
)
def test_a_number_that_costs_money_or_lies_abroad_is_refused_and_nothing_is_queued(
    site: Flask, town: Runtime, twilio: FakeTwilio, typed: str, why: str
) -> None:
    client = site.test_client()
    response = fill_in(client, text="Goedkope sms", contact=typed, consent="yes", ip=ATTACKER_IP)
    assert response.status_code == 422, why
    html = response.get_data(as_text=True)
    assert 'id="contact-error"' in html
    assert "Naar dit nummer kunnen we geen sms sturen." in html
    assert "We sturen sms&#39;jes alleen naar gsm-nummers uit: België." in html
    assert "Goedkope sms" in html  # the text is kept for the resident to send again
    work(town)
    with town.db.session() as session:
        assert session.scalars(select(Contribution)).all() == []
        assert session.scalars(select(ContactConfirmation)).all() == []
        assert session.scalars(select(Job)).all() == []
    assert messages(town) == [] and twilio.messages == []


def test_the_form_says_which_numbers_it_can_text_in_each_language(site: Flask) -> None:
    client = site.test_client()
    assert "gsm-nummers uit: België" in client.get("/c/demo?lang=nl").get_data(as_text=True)
    assert "Belgique" in client.get("/c/demo?lang=fr").get_data(as_text=True)
    refused = fill_in(client, lang="en", text="Hi", contact="+33612345678", consent="yes")
    assert "We only text mobile numbers from: Belgium." in refused.get_data(as_text=True)


def test_typing_a_residents_number_leaves_them_untouched_and_sends_one_code(
    site: Flask, town: Runtime, twilio: FakeTwilio
) -> None:
    client = site.test_client()
    text_in(client, VICTIM, "DEMO Meer bomen aan de kade, alstublieft")
    victim = record_of(town, _victim_hash(town))
    assert victim == (VICTIM, True, "nl", False, False)

    page = fill_in(
        client,
        lang="fr",
        text="Des arbres, oui",
        name="Quelqu'un d'autre",
        contact=VICTIM_TYPED,
        consent="yes",
        ip=ATTACKER_IP,
    )
    assert page.status_code == 200
    reference = reference_on(page.get_data(as_text=True))
    assert record_of(town, _victim_hash(town)) == victim
    typed = contribution(town, reference)
    assert typed.contributor_id is None  # not the resident's, nor joined to them

    work(town)
    (code_sms,) = texts_to(twilio, VICTIM)  # exactly one message: the code, nothing else
    assert code_sms.startswith("Votre code est ") and code_in(code_sms)
    assert record_of(town, _victim_hash(town)) == victim

    moderator = staff(site, town)
    detail = moderator.get(f"/admin/c/{typed.id}").get_data(as_text=True)
    assert "Contact niet bevestigd." in detail
    assert f"/admin/c/{typed.id}/reply" not in detail
    refused = staff_post(
        moderator, f"/admin/c/{typed.id}/reply", {"body": "Hallo"}, f"/admin/c/{typed.id}"
    )
    assert refused.status_code == 422
    shown = staff_post(
        moderator, f"/admin/c/{typed.id}/personal", {}, f"/admin/c/{typed.id}"
    ).get_data(as_text=True)
    assert f"{VICTIM} <strong>(niet bevestigd)</strong>" in shown
    staff_post(
        moderator,
        f"/admin/c/{typed.id}/status",
        {"status": "accepted", "reason": "ok"},
        f"/admin/c/{typed.id}",
    )
    demo = typed.consultation_id
    staff_post(
        moderator,
        f"/admin/consultations/{demo}/announce",
        {"update_nl": "De raad beslist op 3 maart.", "update_fr": "Le conseil décide."},
        f"/admin/consultations/{demo}",
    )
    work(town)
    assert texts_to(twilio, VICTIM) == [code_sms]  # still only the code
    assert record_of(town, _victim_hash(town)) == victim


def test_a_typed_number_does_not_tie_the_text_to_its_resident(
    site: Flask, town: Runtime, twilio: FakeTwilio
) -> None:
    client = site.test_client()
    text_in(client, VICTIM, "DEMO Meer bomen aan de kade, alstublieft")
    for n, other in enumerate(("Een speeltuin voor de kinderen", "Minder auto's in de straat")):
        text_in(client, f"+3247099999{n}", f"DEMO {other}")
    page = fill_in(
        client,
        text="Meer bomen aan de kade, alstublieft!",
        contact=VICTIM_TYPED,
        consent="yes",
        ip=ATTACKER_IP,
    )
    reference = reference_on(page.get_data(as_text=True))
    with town.db.session() as session:
        victim_id = session.scalars(
            select(Contributor.id).where(Contributor.address_hash == _victim_hash(town))
        ).one()
        own = session.scalars(
            select(Contribution.id).where(Contribution.contributor_id == victim_id)
        ).one()
    admin = staff(site, town, "admin")
    export = staff_post(admin, f"/admin/privacy/{victim_id}/export", {}, "/admin/privacy")
    assert reference not in export.get_data(as_text=True)
    assert len(export.get_json()["contributions"]) == 1
    found = staff_post(
        admin, "/admin/privacy", {"kind": "phone", "address": VICTIM_TYPED}, "/admin/privacy"
    ).get_data(as_text=True)
    assert reference not in found and "Getypt maar niet bevestigd" in found
    hints = admin.get(f"/admin/c/{own}").get_data(as_text=True)
    assert reference in hints  # the look-alike text is listed …
    assert "mogelijk dezelfde persoon" not in hints  # … but not as the same person


def test_a_number_that_texted_stop_gets_nothing_at_all(
    site: Flask, town: Runtime, twilio: FakeTwilio
) -> None:
    client = site.test_client()
    text_in(client, VICTIM, "STOP")
    before = record_of(town, _victim_hash(town))
    assert before[RECORD.index("opted_out")] and before[0] is None
    ordinary = fill_in(client, text="Ander", contact="0470 22 22 22", consent="yes")
    page = fill_in(client, text="Pesten", contact=VICTIM_TYPED, consent="yes", ip=ATTACKER_IP)
    html = page.get_data(as_text=True)
    # The page reads exactly as for any number: it must not tell who sent STOP.
    reference = reference_on(html)
    other = ordinary.get_data(as_text=True)
    assert "Bevestig uw telefoonnummer" in html
    assert _without_tokens(html, reference) == _without_tokens(other, reference_on(other))
    for _ in range(2):
        attacker_page = client.get(f"/r/{reference}", environ_base={"REMOTE_ADDR": ATTACKER_IP})
        token = attacker_page.get_data(as_text=True).split('name="csrf_token" value="')[1]
        client.post(
            f"/r/{reference}/code",
            data={"csrf_token": token.split('"')[0]},
            environ_base={"REMOTE_ADDR": ATTACKER_IP},
        )
    work(town)
    assert texts_to(twilio, VICTIM) == []
    assert [m.confirmation_id is not None for m in messages(town)] == [True]  # the other's
    assert record_of(town, _victim_hash(town)) == before


def test_confirmations_from_one_network_address_or_to_one_number_are_capped(
    site: Flask, town: Runtime, twilio: FakeTwilio
) -> None:
    client = site.test_client()
    per_network = town.settings.confirmations_per_network
    shown = []
    for n in range(per_network + 2):
        page = fill_in(
            client, text=f"Flood {n}", contact=f"0470 00 00 {n:02d}", consent="yes", ip=ATTACKER_IP
        )
        assert page.status_code == 200
        shown.append("Daarom sturen we nu geen code" in page.get_data(as_text=True))
    assert shown == [False] * per_network + [True, True]

    per_address = town.settings.confirmations_per_address
    for n in range(per_address + 2):
        fill_in(client, text=f"Pest {n}", contact=VICTIM_TYPED, consent="yes", ip=f"192.0.2.{n}")
    work(town)
    assert len(texts_to(twilio, VICTIM)) == per_address
    assert len(twilio.messages) == per_network + per_address


def test_the_day_has_a_cap_for_everyone_together(tmp_path: Path, twilio: FakeTwilio) -> None:
    town = start_town(tmp_path / "data", None, twilio, INSPRAAK_CONFIRMATIONS_PER_DAY="2")
    try:
        client = app_of(town).test_client()
        for n in range(4):
            fill_in(
                client,
                text=f"Buur {n}",
                contact=f"0470 33 33 3{n}",
                consent="yes",
                ip=f"192.0.2.{n}",
            )
        work(town)
        assert len(twilio.messages) == 2
    finally:
        town.db.dispose()


def test_the_right_code_confirms_and_then_replies_and_updates_flow(
    site: Flask, town: Runtime, twilio: FakeTwilio
) -> None:
    client = site.test_client()
    mine = "+32470444444"
    page = fill_in(client, text="Een bank bij de vijver", contact="0470 44 44 44", consent="yes")
    html = page.get_data(as_text=True)
    reference = reference_on(html)
    assert 'autocomplete="one-time-code"' in html  # offered right on the thank-you page
    work(town)
    (sms,) = texts_to(twilio, mine)
    confirmed = type_code(client, reference, code_in(sms))
    assert "Uw contactgegevens zijn bevestigd" in confirmed.get_data(as_text=True)
    with town.db.session() as session:
        resident = session.scalars(select(Contributor)).one()
        assert (resident.address, resident.address_confirmed, resident.wants_updates) == (
            mine,
            True,
            True,
        )
        assert session.scalars(select(Contribution.contributor_id)).one() == resident.id

    moderator = staff(site, town)
    typed = contribution(town, reference)
    reply = staff_post(
        moderator,
        f"/admin/c/{typed.id}/reply",
        {"template": "", "body": "Goed idee, we bekijken het."},
        f"/admin/c/{typed.id}",
    )
    assert reply.status_code == 302
    staff_post(
        moderator,
        f"/admin/c/{typed.id}/status",
        {"status": "accepted", "reason": "ok"},
        f"/admin/c/{typed.id}",
    )
    work(town)
    later = texts_to(twilio, mine)[1:]
    assert later[0] == "Goed idee, we bekijken het."
    assert later[1].startswith("Nieuws over uw bijdrage") and reference in later[1]


def test_wrong_codes_run_out_and_codes_expire(
    site: Flask, town: Runtime, twilio: FakeTwilio
) -> None:
    client = site.test_client()
    reference = reference_on(
        fill_in(client, text="Raden", contact=VICTIM_TYPED, consent="yes").get_data(as_text=True)
    )
    work(town)
    code = code_in(texts_to(twilio, VICTIM)[0])
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    said = [type_code(client, reference, wrong).get_data(as_text=True) for _ in range(5)]
    assert all("Die code klopt niet" in page for page in said[:4])
    assert "Deze code werkt niet meer" in said[4]
    after = type_code(client, reference, code).get_data(as_text=True)
    assert "Deze code werkt niet meer" in after  # the right one is no use any more
    assert contribution(town, reference).contributor_id is None

    # A new code (asked on the status page) works, but not once it is too old.
    page = client.get(f"/r/{reference}").get_data(as_text=True)
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post(f"/r/{reference}/code", data={"csrf_token": csrf})
    work(town)
    fresh = code_in(texts_to(twilio, VICTIM)[-1])
    with town.db.session() as session:
        session.execute(
            update(ContactConfirmation).values(expires_at=utcnow() - timedelta(seconds=1))
        )
        session.commit()
    assert "Deze code werkt niet meer" in type_code(client, reference, fresh).get_data(as_text=True)
    assert contribution(town, reference).contributor_id is None
    with town.db.session() as session:
        assert session.scalars(select(Contributor)).all() == []
    # Neither the code nor anything made from it without the secret is kept or shown.
    moderator = staff(site, town)
    typed = contribution(town, reference)
    detail = moderator.get(f"/admin/c/{typed.id}").get_data(as_text=True)
    assert code not in detail and fresh not in detail
    assert all(code not in m.body and fresh not in m.body for m in messages(town))


def test_staff_type_the_code_a_resident_at_the_desk_received(
    site: Flask, town: Runtime, twilio: FakeTwilio
) -> None:
    moderator = staff(site, town)
    page = moderator.get("/admin/assisted").get_data(as_text=True)
    nonce = page.split('name="nonce" value="')[1].split('"')[0]
    demo = page.split('<option value="')[1].split('"')[0]
    refused = staff_post(
        moderator,
        "/admin/assisted",
        {"consultation": demo, "text": "Bank", "phone": "0900 12 345", "nonce": nonce},
        "/admin/assisted",
    )
    assert refused.status_code == 422
    assert "Naar dit nummer kunnen we geen sms sturen." in refused.get_data(as_text=True)
    stored = staff_post(
        moderator,
        "/admin/assisted",
        {
            "consultation": demo,
            "text": "Een zitbank aan de bushalte",
            "phone": "0470 55 55 55",
            "wants_updates": "1",
            "nonce": nonce,
        },
        "/admin/assisted",
    )
    detail_url = stored.headers["Location"].split("?")[0]
    work(town)
    (sms,) = texts_to(twilio, "+32470555555")
    wrong = staff_post(moderator, detail_url + "/contact/confirm", {"code": "000000"}, detail_url)
    if code_in(sms) != "000000":
        followed = moderator.get(wrong.headers["Location"]).get_data(as_text=True)
        assert "Die code klopt niet" in followed
    right = staff_post(
        moderator, detail_url + "/contact/confirm", {"code": code_in(sms)}, detail_url
    )
    assert "Het contactadres is bevestigd" in moderator.get(right.headers["Location"]).get_data(
        as_text=True
    )
    reply = staff_post(moderator, detail_url + "/reply", {"template": "thanks"}, detail_url)
    assert reply.status_code == 302
    work(town)
    assert texts_to(twilio, "+32470555555")[1].startswith("Bedankt voor uw bijdrage")


def test_the_code_can_be_typed_at_the_kiosk_which_then_forgets(
    site: Flask, town: Runtime, twilio: FakeTwilio
) -> None:
    client = site.test_client()
    page = fill_in(client, kiosk=True, text="Bankjes", contact="0470 66 66 66", consent="yes")
    html = page.get_data(as_text=True)
    reference = reference_on(html)
    action = f'action="/kiosk/demo/thanks/{reference}"'
    assert action in html and "/r/" not in html  # no way to this person's status page
    work(town)
    (sms,) = texts_to(twilio, "+32470666666")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert csrf
    wrong = client.post(
        f"/kiosk/demo/thanks/{reference}", data={"csrf_token": csrf.group(1), "code": "x"}
    )
    assert "Die code klopt niet" in wrong.get_data(as_text=True)
    assert "Refresh" not in wrong.headers  # no time limit while the resident types
    done = client.post(
        f"/kiosk/demo/thanks/{reference}",
        data={"csrf_token": csrf.group(1), "code": code_in(sms)},
    )
    assert "Uw contactgegevens zijn bevestigd" in done.get_data(as_text=True)
    assert done.headers["Refresh"].startswith("60; url=/kiosk/demo")
    assert contribution(town, reference).contributor_id is not None
