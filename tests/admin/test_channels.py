"""Channels declare themselves: staff pages, reports and replies follow the registry."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.config import Settings
from intake.inbound import Inbound, Sender
from intake.jobs.worker import Worker
from intake.models import Contribution, Job, JobStatus, OutboundMessage
from intake.receive import receive
from intake.runtime import Runtime
from tests.admin.conftest import demo_id, post
from tests.conftest import make_settings
from tests.support import pigeon


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings that load the test-only pigeon channel the way a deployer adds a plugin."""
    return make_settings(tmp_path / "data", INSPRAAK_PLUGINS="tests.support.pigeon:plugin")


def arrive(runtime: Runtime, channel: str, kind: str, address: str, **extra: object) -> int:
    """Store a contribution from a resident whose address is proven; return its id."""
    sender = Sender.of(runtime.settings.secret_key, kind, address, may_reply=True, confirmed=True)
    with runtime.db.session() as session:
        receipt = receive(
            session,
            Inbound(
                channel=channel,
                language="nl",
                text="Meer bomen in het park",
                consultation_id=demo_id(runtime),
                sender=sender,
                **extra,  # type: ignore[arg-type]
            ),
        )
        session.commit()
        return receipt.id


def test_a_channel_declared_in_one_folder_shows_wherever_staff_look(
    runtime: Runtime, signed_in: Callable[[str], FlaskClient]
) -> None:
    pigeon.delivered.clear()
    contribution = arrive(
        runtime, pigeon.NAME, pigeon.LOFT, "loft-7", needs_person_reason=pigeon.LOST
    )
    client = signed_in("admin")

    queue = client.get("/admin/").get_data(as_text=True)
    assert '<option value="pigeon"' in queue and "Postduif" in queue
    filtered = client.get("/admin/?channel=pigeon").get_data(as_text=True)
    assert "<td>Postduif</td>" in filtered
    detail = client.get(f"/admin/c/{contribution}").get_data(as_text=True)
    assert "· Postduif ·" in detail and "De duif is verdwaald" in detail
    assert "Bericht via Postduif" in detail
    reach = client.get("/admin/reach").get_data(as_text=True)
    assert '<th scope="col">Postduif</th>' in reach
    assert '<option value="loft">Duiventil</option>' in client.get("/admin/privacy").get_data(
        as_text=True
    )

    answered = post(client, f"/admin/c/{contribution}/reply", {"body": "Kom gerust langs"})
    assert answered.status_code == 302
    Worker(runtime).run(until_idle=True)
    assert pigeon.delivered == [("loft-7", "Kom gerust langs")]
    with runtime.db.session() as session:
        message = session.scalars(select(OutboundMessage)).one()
        assert (message.channel, message.status) == ("pigeon", "sent")


def test_an_email_address_without_a_sender_gets_no_reply_and_no_dead_job(
    runtime: Runtime, signed_in: Callable[[str], FlaskClient]
) -> None:
    by_mail = arrive(runtime, "web", "email", "an@example.be")
    with runtime.db.session() as session:
        contribution = session.get(Contribution, by_mail)
        assert contribution is not None and contribution.contributor is not None
        contribution.contributor.wants_updates = True
        session.commit()
    client = signed_in("moderator")
    page = client.get(f"/admin/c/{by_mail}").get_data(as_text=True)
    assert f"/admin/c/{by_mail}/reply" not in page and "Bericht via" not in page
    refused = post(client, f"/admin/c/{by_mail}/reply", {"body": "Dag"})
    assert refused.status_code == 422
    changed = post(client, f"/admin/c/{by_mail}/status", {"status": "accepted", "reason": "ok"})
    assert changed.status_code == 302
    Worker(runtime).run(until_idle=True)
    with runtime.db.session() as session:
        assert session.scalars(select(OutboundMessage)).all() == []
        assert session.scalars(select(Job).where(Job.status == JobStatus.DEAD)).all() == []

    # A number typed on the same form is answered by the channel whose sender reaches phones.
    by_phone = arrive(runtime, "web", "phone", "+32470000099")
    assert "Bericht via Sms" in client.get(f"/admin/c/{by_phone}").get_data(as_text=True)
