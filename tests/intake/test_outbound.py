"""Outbound messages: queued as jobs, sent once, never to residents who opted out."""

from __future__ import annotations

from sqlalchemy import select

from intake.inbound import Sender
from intake.jobs.worker import Worker
from intake.models import Contributor, Job, JobStatus, OutboundMessage
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
    with runtime.db.session() as session:
        contributor = session.get(Contributor, someone)
        assert contributor is not None
        queue_message(session, contributor, "test-chat", "Hallo")
        session.commit()
    Worker(runtime).run(until_idle=True)
    with runtime.db.session() as session:
        gone_one = session.get(Contributor, someone)
        assert gone_one is not None and gone_one.unreachable and gone_one.address is None
        assert session.scalars(select(Job.status)).one() == JobStatus.DONE
        contributor = session.get(Contributor, someone)
        assert queue_message(session, contributor, "test-chat", "Nog eens") is None  # type: ignore[arg-type]
