"""Each resident reaches their own municipality: by host, path, number, bot, as they chose."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from sqlalchemy import select

from intake.app import create_app
from intake.branding import accent_source
from intake.consultations import seed_demo
from intake.jobs.worker import Worker
from intake.migrations import upgrade
from intake.models import Contribution, Tenant
from intake.runtime import Runtime
from intake.spool import Entry
from intake.tenancy import every_tenant, scoped
from intake.tenant_setup import TenantChanges, TenantSetupError, add_tenant, change_tenant
from tests.channels.sms.conftest import PUBLIC_URL, post_signed, start_runtime
from tests.conftest import make_settings
from tests.support.telegram import SECRET, TOKEN, fake_bots, message
from tests.support.twilio import ACCOUNT_SID, FakeTwilio, fake_twilio, message_params, new_sid, sign
from tests.tenancy.conftest import B_HOST, B_NUMBER, PIXEL, add_b, browser_on

B_BOT = "7000000001:AAH-gemeente-b-bot-token-0123456789ab"


def _by_tenant(runtime: Runtime) -> dict[int, list[str]]:
    with runtime.db.session() as session:
        rows = session.execute(
            select(Contribution.tenant_id, Contribution.text)
            .order_by(Contribution.id)
            .execution_options(**every_tenant())
        ).all()
    found: dict[int, list[str]] = {}
    for tenant_id, text in rows:
        found.setdefault(tenant_id, []).append(text)
    return found


def _add_c(runtime: Runtime) -> int:
    """Add Gemeente C, reached by path only, with the demo consultation."""
    with runtime.db.session() as session:
        tenant = add_tenant(session, runtime.media, "gemeente-c", TenantChanges(name="Gemeente C"))
        session.commit()
        tenant_id = tenant.id
    with scoped(tenant_id), runtime.db.session() as session:
        seed_demo(session)
        session.commit()
    runtime.tenants.forget()
    return tenant_id


def test_host_and_path_reach_their_municipality_with_its_look(runtime: Runtime) -> None:
    b = add_b(runtime)
    with scoped(b), runtime.db.session() as session:
        seed_demo(session)
        session.commit()
    c = _add_c(runtime)
    app = create_app(runtime_=runtime)
    on_b, on_a = browser_on(app, B_HOST), app.test_client()

    page_b = on_b.get("/c/demo")
    html = page_b.get_data(as_text=True)
    assert "<title>" in html and "– Gemeente B</title>" in html
    assert "<style>:root{--accent:#7a1f5c}</style>" in html
    assert accent_source("#7a1f5c") in page_b.headers["Content-Security-Policy"]
    assert '<img src="/logo" alt="">Gemeente B' in html
    logo = on_b.get("/logo")
    assert logo.status_code == 200 and logo.mimetype == "image/png" and logo.data == PIXEL
    # The default municipality keeps the look it had, and has no logo.
    html_a = on_a.get("/c/demo").get_data(as_text=True)
    assert "– Inspraak</title>" in html_a and "#0b4ea2" in html_a
    assert on_a.get("/logo").status_code == 404

    # Gemeente C under its path: its pages link within it, its form stores for it.
    page_c = on_a.get("/gemeente-c/c/demo").get_data(as_text=True)
    assert "Gemeente C" in page_c
    assert 'action="/gemeente-c/c/demo' in page_c or "/gemeente-c/" in page_c
    for client, path, words in (
        (on_b, "/c/demo", "Een speeltuin voor B"),
        (on_a, "/gemeente-c/c/demo", "Een speeltuin voor C"),
        (on_a, "/c/demo", "Een speeltuin voor A"),
    ):
        form = client.get(path).get_data(as_text=True)
        fields = dict(re.findall(r'name="(csrf_token|form_token|started)" value="([^"]*)"', form))
        response = client.post(path, data={**fields, "text": words, "language": "nl"})
        assert response.status_code in (200, 303), response.status_code
    assert _by_tenant(runtime) == {
        1: ["Een speeltuin voor A"],
        b: ["Een speeltuin voor B"],
        c: ["Een speeltuin voor C"],
    }


def test_an_inactive_municipality_answers_nothing(runtime: Runtime) -> None:
    b = add_b(runtime)
    with runtime.db.session() as session:
        tenant = session.get(Tenant, b)
        assert tenant is not None
        change_tenant(session, runtime.media, tenant, TenantChanges(active=False))
        session.commit()
    runtime.tenants.forget()
    app = create_app(runtime_=runtime)
    assert browser_on(app, B_HOST).get("/").status_code == 404
    assert app.test_client().get("/").status_code == 200


def test_what_reaches_a_municipality_belongs_to_it_alone(runtime: Runtime) -> None:
    add_b(runtime)
    with runtime.db.session() as session, pytest.raises(TenantSetupError, match="already"):
        add_tenant(
            session,
            runtime.media,
            "gemeente-d",
            TenantChanges(name="Gemeente D", phone_numbers=[B_NUMBER]),
        )
    with runtime.db.session() as session, pytest.raises(TenantSetupError, match="contrast"):
        add_tenant(session, runtime.media, "gemeente-d", TenantChanges(name="D", accent="#ffcc00"))
    with runtime.db.session() as session, pytest.raises(TenantSetupError, match="path"):
        add_tenant(
            session, runtime.media, "admin", TenantChanges(name="D"), taken_segments={"admin"}
        )


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    with fake_twilio() as fake:
        yield fake


@pytest.fixture
def phone_town(tmp_path: Path, twilio: FakeTwilio) -> Iterator[tuple[Runtime, int]]:
    """The default municipality and Gemeente B, each with the demo, on Twilio; B's id."""
    runtime = start_runtime(tmp_path / "data", **twilio.env(INSPRAAK_PUBLIC_URL=PUBLIC_URL))
    b = add_b(runtime)
    with scoped(b), runtime.db.session() as session:
        seed_demo(session)
        session.commit()
    yield runtime, b
    runtime.db.dispose()


def test_the_number_texted_picks_the_municipality_and_answers_from_it(
    phone_town: tuple[Runtime, int], twilio: FakeTwilio
) -> None:
    runtime, b = phone_town
    client = create_app(runtime_=runtime).test_client()
    to_b = message_params("DEMO Een hondenweide in B", number="+32470555001")
    to_b["To"] = B_NUMBER
    to_a = message_params("DEMO Een hondenweide in A", number="+32470555001")
    for params in (to_b, to_a):
        reply = post_signed(client, params).get_data(as_text=True)
        assert re.search(r"[A-Z0-9]{3}-[A-Z0-9]{3}", reply), reply
    assert _by_tenant(runtime) == {1: ["Een hondenweide in A"], b: ["Een hondenweide in B"]}
    # The same number is a resident of each, known to each apart.
    with scoped(b), runtime.db.session() as session:
        (only,) = session.scalars(select(Contribution)).all()
    assert only.contributor_id is not None
    # A message sent later for B (a spooled one's reference) goes out from B's number.
    spooled = message_params("DEMO Nog een bank in B", number="+32470555002")
    spooled["To"] = B_NUMBER
    with scoped(b):
        runtime.spool.put(Entry("sms", spooled["MessageSid"], spooled, sender=None))
    assert runtime.replay_spool().stored == 1
    assert _by_tenant(runtime)[b] == ["Een hondenweide in B", "Nog een bank in B"]
    sent = [r for r in twilio.requests if r.path.endswith("/Messages.json")]
    senders = [dict(parse_qsl(r.body.decode()))["From"] for r in sent]
    assert senders == [B_NUMBER]


def test_a_municipalitys_own_bot_posts_to_its_own_path(tmp_path: Path) -> None:
    with fake_bots(TOKEN, B_BOT) as (bot_a, bot_b):
        runtime = Runtime.start(make_settings(tmp_path / "data", **bot_a.env()))
        try:
            upgrade(runtime.db.engine)
            with runtime.db.session() as session:
                seed_demo(session)
                session.commit()
            b = add_b(runtime, telegram_token=B_BOT)
            with scoped(b), runtime.db.session() as session:
                seed_demo(session)
                session.commit()
            b_info = runtime.tenants.get(b)
            assert b_info.telegram_path and b_info.telegram_secret
            client = create_app(runtime_=runtime).test_client()
            path = f"/hooks/telegram/{b_info.telegram_path}"
            update = message(4242, "Een petanquebaan in B")
            # The installation's secret opens no municipality's bot, nor a made-up path.
            refused = client.post(path, json=update, headers={SECRET_HEADER: SECRET})
            assert refused.status_code == 403
            unknown = client.post(
                "/hooks/telegram/elders", json=update, headers={SECRET_HEADER: SECRET}
            )
            assert unknown.status_code == 404
            taken = client.post(path, json=update, headers={SECRET_HEADER: b_info.telegram_secret})
            assert taken.status_code == 200
            Worker(runtime).run(until_idle=True)
            assert _by_tenant(runtime) == {b: ["Een petanquebaan in B"]}
            # B's bot answered the resident; the installation's bot said nothing.
            assert [m.chat_id for m in bot_b.sent()] == [4242]
            assert bot_a.sent() == []
        finally:
            runtime.db.dispose()


SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def test_a_call_hung_up_before_the_end_stays_with_the_municipality_called(
    phone_town: tuple[Runtime, int], twilio: FakeTwilio
) -> None:
    runtime, b = phone_town
    client = create_app(runtime_=runtime).test_client()
    call = {"AccountSid": ACCOUNT_SID, "CallSid": new_sid("CA"), "From": "+32470555003"}

    def post(url: str, params: dict[str, str]) -> str:
        path = url.removeprefix(PUBLIC_URL)
        signed = {"X-Twilio-Signature": sign(url, params)}
        return client.post(path, data=params, headers=signed).get_data(as_text=True)

    called = {**call, "To": B_NUMBER}
    greeting = ET.fromstring(post(f"{PUBLIC_URL}/hooks/twilio/voice", called))
    gather = greeting.find("Gather")
    assert gather is not None
    question = ET.fromstring(post(gather.attrib["action"], {**called, "Digits": "1"}))
    record = question.find("Record")
    assert record is not None
    # The caller speaks and hangs up: only the recording's callback comes, without To.
    sid, url = twilio.add_recording(b"RIFF$\x00\x00\x00WAVEfmt ")
    callback = record.attrib["recordingStatusCallback"]
    assert "tenant=gemeente-b" in callback
    status = {**call, "RecordingSid": sid, "RecordingUrl": url, "RecordingDuration": "4"}
    post(callback, {**status, "RecordingStatus": "completed"})
    with runtime.db.session() as session:
        rows = session.execute(
            select(Contribution.tenant_id, Contribution.channel).execution_options(**every_tenant())
        ).all()
    assert rows == [(b, "voice")]
    # Without the (signed) name, the same callback is refused, not filed elsewhere.
    forged = callback.replace("tenant=gemeente-b", "tenant=default")
    assert (
        client.post(
            forged.removeprefix(PUBLIC_URL),
            data=status,
            headers={"X-Twilio-Signature": sign(callback, status)},
        ).status_code
        == 403
    )


def test_a_municipality_added_on_another_machine_is_known_to_this_one(runtime: Runtime) -> None:
    assert [t.slug for t in runtime.tenants.all()] == ["default"]
    # Another machine adds Gemeente B: this one's list is read again within 30 seconds,
    # and at once for a job or a spooled message that names B.
    other = Runtime.start(runtime.settings)
    try:
        b = add_b(other)
    finally:
        other.db.dispose()
    assert runtime.tenants.by_host(B_HOST) is None
    assert runtime.tenants.get(b).name == "Gemeente B"
    assert runtime.tenants.by_host(B_HOST) is not None
