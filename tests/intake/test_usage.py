"""Usage per municipality and month: counted by the real intake and SMS webhook, reported."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.app import create_app
from intake.consultations import seed_demo
from intake.inbound import Inbound, InboundMedia
from intake.jobs.worker import Worker
from intake.models import Consultation, Contribution, Contributor, utcnow
from intake.outbound import queue_message
from intake.privacy import erase_contribution
from intake.receive import receive
from intake.reporting.spreadsheet import BOM
from intake.reporting.usage import to_csv
from intake.runtime import Runtime
from intake.tenancy import DEFAULT_TENANT_ID, scoped
from intake.tenant_setup import TenantChanges, add_tenant
from intake.usage import month_of, report
from tests.channels.sms.conftest import PUBLIC_URL, WEBHOOK, post_signed, start_runtime
from tests.cli import inspraak
from tests.support.twilio import OUR_NUMBER, FakeTwilio, fake_twilio, message_params

OTHER_NUMBER = "+3225550199"
MONTH = month_of(utcnow())


def add_other(runtime: Runtime, name: str = "Gemeente Zoersel") -> int:
    """Add a second municipality with its own number and demo consultation."""
    with runtime.db.session() as session:
        tenant = add_tenant(
            session,
            runtime.media,
            "zoersel",
            TenantChanges(name=name, phone_numbers=[OTHER_NUMBER]),
        )
        session.commit()
        tenant_id = tenant.id
    with scoped(tenant_id), runtime.db.session() as session:
        seed_demo(session)
        session.commit()
    runtime.tenants.forget()
    return tenant_id


def contribute(
    runtime: Runtime, tenant_id: int, channel: str, message_id: str, **extra: object
) -> str:
    """Store one contribution for `tenant_id` through receive(); return its reference."""
    with scoped(tenant_id), runtime.db.session() as session:
        consultation_id = session.scalars(
            select(Consultation.id).where(Consultation.slug == "demo")
        ).one()
        receipt = receive(
            session,
            Inbound(
                channel=channel,
                language="nl",
                text="Meer bomen in het park",
                consultation_id=consultation_id,
                channel_message_id=message_id,
                **extra,  # type: ignore[arg-type]
            ),
        )
        session.commit()
        return receipt.reference


def figures(runtime: Runtime, month: str = MONTH) -> dict[str, dict[str, int]]:
    """Return each municipality's counts for `month`, by slug."""
    with runtime.db.session(write=False) as session:
        return {row.slug: row.quantities for row in report(session, [month])}


def test_contributions_count_in_their_own_municipality_and_outlive_erasure(
    any_runtime: Runtime,
) -> None:
    other = add_other(any_runtime)
    contribute(any_runtime, DEFAULT_TENANT_ID, "web", "w1")
    reference = contribute(any_runtime, DEFAULT_TENANT_ID, "web", "w2")
    contribute(any_runtime, DEFAULT_TENANT_ID, "web", "w2")  # the same message again
    contribute(any_runtime, other, "sms", "s1")
    photo = InboundMedia(kind="photo", media_type="image/jpeg", sha256="a" * 64, size=2_500_000)
    contribute(any_runtime, other, "email", "e1", media=(photo,))

    with any_runtime.db.session() as session:
        erase_contribution(
            session, reference, secret=any_runtime.settings.secret_key, reason="op vraag"
        )
        session.commit()

    counted = figures(any_runtime)
    assert counted["default"] == {"contributions:web": 2}
    assert counted["zoersel"] == {
        "contributions:sms": 1,
        "contributions:email": 1,
        "storage_bytes": 2_500_000,
    }
    assert other != DEFAULT_TENANT_ID
    # Storage is measured now: an earlier month shows only what was counted then.
    assert figures(any_runtime, "2020-01") == {"default": {}, "zoersel": {}}


@pytest.fixture
def sms_runtime(tmp_path: Path) -> Iterator[Runtime]:
    """A runtime with Twilio credentials, behind a proxy at PUBLIC_URL."""
    twilio: FakeTwilio
    with fake_twilio() as twilio:
        rt = start_runtime(tmp_path / "data", **twilio.env(INSPRAAK_PUBLIC_URL=PUBLIC_URL))
        yield rt
        rt.db.dispose()


@pytest.fixture
def two_numbers(sms_runtime: Runtime) -> Iterator[FlaskClient]:
    """A test client playing Twilio for an installation with a second municipality."""
    add_other(sms_runtime)
    app = create_app(runtime_=sms_runtime)
    app.config["TESTING"] = True
    yield app.test_client()


def text_to(client: FlaskClient, to: str, body: str, segments: int) -> None:
    """Text `body` to the number `to`, in `segments` SMS segments."""
    params = {**message_params(body), "To": to, "NumSegments": str(segments)}
    assert post_signed(client, params, signed_url=PUBLIC_URL + WEBHOOK).status_code == 200


def test_sms_segments_in_and_replies_out_count_for_the_number_texted(
    sms_runtime: Runtime, two_numbers: FlaskClient
) -> None:
    text_to(two_numbers, OTHER_NUMBER, "Meer fietspaden " * 12, segments=2)
    text_to(two_numbers, OTHER_NUMBER, "En meer bomen", segments=1)
    text_to(two_numbers, OUR_NUMBER, "Een bank", segments=1)

    counted = figures(sms_runtime)
    assert counted["zoersel"]["contributions:sms"] == 2
    assert counted["zoersel"]["sms_segments:in"] == 3
    # Each got a thank-you with its reference, texted back from the TwiML answer.
    assert counted["zoersel"]["sms_segments:out"] >= 2
    assert counted["default"]["contributions:sms"] == 1
    assert counted["default"]["sms_segments:in"] == 1


def test_an_update_texted_later_counts_its_segments_once_sent(
    sms_runtime: Runtime, two_numbers: FlaskClient
) -> None:
    text_to(two_numbers, OTHER_NUMBER, "Meer bomen", segments=1)
    before = figures(sms_runtime)["zoersel"]["sms_segments:out"]
    other = next(t.id for t in sms_runtime.tenants.all() if t.slug == "zoersel")
    # 80 characters with an emoji: UCS-2, so two segments of 67.
    update_text = (
        "Uw idee staat op de agenda van de gemeenteraad van januari, tot dan! 🌳 " + "x" * 8
    )
    with scoped(other), sms_runtime.db.session() as session:
        contributor = session.scalars(select(Contributor)).one()
        contribution_id = session.scalars(select(Contribution.id)).one()
        queue_message(session, contributor, "sms", update_text, contribution_id=contribution_id)
        session.commit()

    assert Worker(sms_runtime).run(until_idle=True) == 1
    counted = figures(sms_runtime)
    assert counted["zoersel"]["sms_segments:out"] == before + 2
    assert "sms_segments:out" not in counted["default"]


def test_csv_has_a_header_and_defuses_formulas(runtime: Runtime) -> None:
    add_other(runtime, name='=HYPERLINK("http://evil")')
    contribute(runtime, DEFAULT_TENANT_ID, "sms", "s1")
    with runtime.db.session(write=False) as session:
        body = to_csv(report(session, [MONTH]))

    lines = body.removeprefix(BOM).splitlines()
    assert lines[0] == (
        '"month";"tenant";"name";"contributions_sms";"sms_segments_in";"sms_segments_out";'
        '"voice_minutes_in";"storage_mb"'
    )
    assert lines[1].startswith(f'"{MONTH}";"default";')
    assert ';"1";' in lines[1]
    assert f'"{MONTH}";"zoersel";"\'=HYPERLINK(' in lines[2]


def test_the_command_prints_usage_as_a_table_or_csv(runtime: Runtime, tmp_path: Path) -> None:
    add_other(runtime)
    contribute(runtime, DEFAULT_TENANT_ID, "web", "w1")
    data_dir = tmp_path / "data"

    table = inspraak(data_dir, "tenant", "usage").stdout.splitlines()
    assert table[0].split() == [
        "month", "tenant", "name", "contributions_web", "sms_segments_in",
        "sms_segments_out", "voice_minutes_in", "storage_mb",
    ]  # fmt: skip
    assert table[1].split()[:2] == [MONTH, "default"]
    assert table[1].split()[-5:] == ["1", "0", "0", "0.0", "0.0"]
    csv = inspraak(data_dir, "tenant", "usage", "--month", "2020-01", "--csv").stdout
    assert csv.removeprefix(BOM).splitlines()[1].startswith('"2020-01";"default";')
    refused = inspraak(data_dir, "tenant", "usage", "--month", "2020-13", check=False)
    assert refused.returncode != 0
    assert "YYYY-MM" in refused.stderr
