"""Outbound messages: queued as jobs, sent once, never to residents who opted out."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from intake.inbound import Sender
from intake.jobs.worker import Worker
from intake.models import Contributor, Job, JobStatus, OutboundMessage, utcnow
from intake.outbound import RecipientGoneError, queue_message
from intake.plugins import Plugin
from intake.receive import upsert_contributor
from intake.runtime import Runtime


def _contributor(runtime: Runtime, address: str, **state: bool) -> int:
    with runtime.db.session() as session:
        sender = Sender.of("s" * 32, "phone", address, may_reply=True, confirmed=True)
        contributor_id = upsert_contributor(session, sender, "fr")
        contributor = session.get(Contributor, contributor_id)
        assert contributor is not None
        for name, value in state.items():
            setattr(contributor, name, value)
        session.commit()
        return contributor_id


def _queue_and_work(runtime: Runtime, contributor_id: int, channel: str, body: str) -> None:
    with runtime.db.session() as session:
        contributor = session.get(Contributor, contributor_id)
        assert contributor is not None
        queue_message(session, contributor, channel, body)
        session.commit()
    Worker(runtime).run(until_idle=True)


def test_messages_go_out_through_the_channels_sender_once(runtime: Runtime) -> None:
    sent: list[tuple[str, str]] = []

    def send(rt: Runtime, address: str, body: str) -> str:
        sent.append((address, body))
        return f"SM{len(sent)}"

    runtime.registry.add(Plugin(name="fake-sms", senders={"test-sms": send}))
    someone = _contributor(runtime, "+32470000001")
    opted_out = _contributor(runtime, "+32470000002", opted_out=True)
    with runtime.db.session() as session:
        for contributor_id in (someone, opted_out):
            contributor = session.get(Contributor, contributor_id)
            assert contributor is not None
            queue_message(session, contributor, "test-sms", "Merci !")
        session.commit()
    Worker(runtime).run(until_idle=True)
    Worker(runtime).run(until_idle=True)
    assert sent == [("+32470000001", "Merci !")]
    with runtime.db.session() as session:
        message = session.scalars(select(OutboundMessage)).one()
        assert message.status == "sent" and message.provider_message_id == "SM1"
        assert message.language == "fr"


def test_a_resident_who_cannot_be_reached_is_marked_and_not_retried(runtime: Runtime) -> None:
    def gone(rt: Runtime, address: str, body: str) -> str:
        raise RecipientGoneError("blocked")

    runtime.registry.add(Plugin(name="fake-gone", senders={"test-chat": gone}))
    someone = _contributor(runtime, "+32470000003")
    _queue_and_work(runtime, someone, "test-chat", "Hallo")
    with runtime.db.session() as session:
        gone_one = session.get(Contributor, someone)
        assert gone_one is not None and gone_one.unreachable and gone_one.address is None
        assert session.scalars(select(Job.status)).one() == JobStatus.DONE
        contributor = session.get(Contributor, someone)
        assert queue_message(session, contributor, "test-chat", "Nog eens") is None  # type: ignore[arg-type]


class _Provider:
    """A provider that takes a message, then loses its answer once (the worker never hears)."""

    def __init__(self) -> None:
        self.delivered: list[tuple[str, str, datetime]] = []
        self.answers_to_lose = 1

    def send(self, rt: Runtime, address: str, body: str) -> str:
        self.delivered.append((address, body, utcnow()))
        if self.answers_to_lose:
            self.answers_to_lose -= 1
            raise ConnectionError("the provider's answer was lost")
        return f"ID{len(self.delivered)}"

    def find(self, rt: Runtime, address: str, body: str, since: datetime) -> str | None:
        for index, (to, text, at) in enumerate(self.delivered):
            if (to, text) == (address, body) and at >= since:
                return f"ID{index + 1}"
        return None


def _retry_now(runtime: Runtime) -> None:
    with runtime.db.session() as session:
        session.execute(update(Job).values(run_after=utcnow() - timedelta(seconds=1)))
        session.commit()
    Worker(runtime).run(until_idle=True)


@pytest.mark.parametrize("can_be_asked", [True, False])
def test_a_send_cut_short_is_looked_up_where_the_provider_can_be_asked(
    any_runtime: Runtime, can_be_asked: bool
) -> None:
    provider = _Provider()
    finders = {"test-ask": provider.find} if can_be_asked else {}
    any_runtime.registry.add(
        Plugin(name="fake-provider", senders={"test-ask": provider.send}, finders=finders)
    )
    someone = _contributor(any_runtime, "+32470000009")
    _queue_and_work(any_runtime, someone, "test-ask", "Uw idee is besproken")
    with any_runtime.db.session() as session:
        assert session.scalars(select(OutboundMessage.status)).one() == "sending"
    _retry_now(any_runtime)
    with any_runtime.db.session() as session:
        message = session.scalars(select(OutboundMessage)).one()
    expected = "ID1" if can_be_asked else "ID2"
    assert message.status == "sent" and message.provider_message_id == expected
    # Asked: the resident got it once. Not asked (Telegram): a duplicate, as documented.
    assert len(provider.delivered) == (1 if can_be_asked else 2)
