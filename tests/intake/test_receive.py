"""`receive()`: one contribution per message, written together with its jobs or not at all."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intake.consultations import find
from intake.inbound import Inbound, InboundMedia, JobRequest, Sender
from intake.models import Attachment, Contribution, Contributor, Job
from intake.receive import ReceiveError, receive
from intake.runtime import Runtime


def _inbound(session: Session, message_id: str | None = "m-1", **extra: object) -> Inbound:
    values: dict[str, object] = {
        "channel": "web",
        "language": "nl",
        "text": "Meer bomen in het park",
        "consultation_id": find(session, "demo").id,
        "channel_message_id": message_id,
    }
    values.update(extra)
    return Inbound(**values)  # type: ignore[arg-type]


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_the_same_message_twice_is_one_contribution(session: Session) -> None:
    first = receive(session, _inbound(session, jobs=(JobRequest("test.noop"),)))
    session.commit()
    again = receive(session, _inbound(session, jobs=(JobRequest("test.noop"),)))
    session.commit()
    assert first.created and not again.created
    assert again.reference == first.reference and again.id == first.id
    assert _count(session, Contribution) == 1
    assert _count(session, Job) == 1


def test_messages_without_an_id_are_each_kept(session: Session) -> None:
    receive(session, _inbound(session, None))
    receive(session, _inbound(session, None))
    session.commit()
    assert _count(session, Contribution) == 2


def test_contribution_attachments_and_jobs_are_written_together(session: Session) -> None:
    media = InboundMedia(kind="audio", media_type="audio/wav", sha256="a" * 64, size=10)
    receipt = receive(
        session,
        _inbound(session, media=(media,), jobs=(JobRequest("audio.fetch", {"url": "x"}),)),
    )
    session.commit()
    job = session.scalars(select(Job)).one()
    assert job.payload == {"url": "x", "contribution_id": receipt.id}
    assert job.contribution_id == receipt.id
    assert session.scalars(select(Attachment)).one().sha256 == "a" * 64


def test_a_failure_after_the_insert_leaves_neither_contribution_nor_job(
    any_runtime: Runtime,
) -> None:
    with pytest.raises(RuntimeError), any_runtime.db.session() as session:
        receive(session, _inbound(session, jobs=(JobRequest("test.noop"),)))
        raise RuntimeError("the request failed before its commit")
    with any_runtime.db.session() as session:
        assert _count(session, Contribution) == 0
        assert _count(session, Job) == 0


def test_an_unknown_consultation_is_refused(session: Session) -> None:
    with pytest.raises(ReceiveError):
        receive(session, _inbound(session, consultation_id=999_999))


def test_senders_are_matched_by_keyed_hash_and_the_address_kept_only_for_replies(
    session: Session,
) -> None:
    anonymous = Sender.of("s" * 32, "phone", "0470 12 34 56", may_reply=False, confirmed=True)
    replyable = Sender.of("s" * 32, "phone", "+32470123456", may_reply=True, confirmed=True)
    assert anonymous.address_hash == replyable.address_hash
    receive(session, _inbound(session, "a", sender=anonymous))
    session.commit()
    contributor = session.scalars(select(Contributor)).one()
    assert contributor.address is None
    assert "470" not in contributor.address_hash
    receive(session, _inbound(session, "b", sender=replyable))
    session.commit()
    session.refresh(contributor)
    assert _count(session, Contributor) == 1
    assert contributor.address == "+32470123456"


def test_concurrent_deliveries_of_one_message_store_it_once(any_runtime: Runtime) -> None:
    with any_runtime.db.session() as session:
        inbound = _inbound(session, "retry-storm")
    barrier = threading.Barrier(6)
    references: list[str] = []
    errors: list[BaseException] = []

    def deliver() -> None:
        try:
            barrier.wait()
            with any_runtime.db.session() as session:
                receipt = receive(session, inbound)
                session.commit()
                references.append(receipt.reference)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(references)) == 1
    with any_runtime.db.session() as session:
        assert _count(session, Contribution) == 1
