"""The job queue, outbound messages, dialogue state, rate-limit counters and sender quotas."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from intake.models.base import Base, utcnow
from intake.models.tenant import TenantOwned


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    DEAD = "dead"


QUEUED_ONLY = "status = 'queued'"
RUNNING_ONLY = "status = 'running'"
DEAD_ONLY = "status = 'dead'"


class JobLane(enum.IntEnum):
    """Which jobs go first: short interactive work (replies) before heavy work (OCR, speech)."""

    INTERACTIVE = 0
    HEAVY = 1


class Job(TenantOwned, Base):
    """Slow work (downloads, transcription, OCR, replies) done later by a worker.

    Workers take ready jobs in (lane, sender_rank, run_after, id) order, read straight off
    `ix_job_queue`. `sender_rank` puts a heavy job behind the other heavy jobs its sender
    (`contributor_id`; none: paper batches and staff) still has waiting, so each sender's
    first job comes before anybody's second.
    """

    __tablename__ = "job"
    __table_args__ = (
        # Partial indexes, one per state that is looked up: the claim reads the first entry
        # of `ix_job_queue` even when a flood came faster than the planner's statistics
        # (an index on status alone would tempt it to sort every waiting job).
        Index(
            "ix_job_queue",
            "lane",
            "sender_rank",
            "run_after",
            "id",
            postgresql_where=text(QUEUED_ONLY),
            sqlite_where=text(QUEUED_ONLY),
        ),
        Index(
            "ix_job_leased",
            "lease_until",
            postgresql_where=text(RUNNING_ONLY),
            sqlite_where=text(RUNNING_ONLY),
        ),
        Index("ix_job_dead", "id", postgresql_where=text(DEAD_ONLY), sqlite_where=text(DEAD_ONLY)),
        Index("ix_job_sender", "contributor_id", "status", "sender_rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=8)
    run_after: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None]
    leased_by: Mapped[str | None] = mapped_column(String(128))
    last_error: Mapped[str | None] = mapped_column(Text)
    contribution_id: Mapped[int | None] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    lane: Mapped[int] = mapped_column(SmallInteger, default=JobLane.INTERACTIVE, server_default="0")
    sender_rank: Mapped[int] = mapped_column(default=0, server_default="0")
    contributor_id: Mapped[int | None] = mapped_column(
        ForeignKey("contributor.id", ondelete="SET NULL")
    )


class WorkerHeartbeat(Base):
    """The last sign of life of each worker process, shown by /healthz."""

    __tablename__ = "worker_heartbeat"

    worker_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    jobs_done: Mapped[int] = mapped_column(default=0)


class OutboundMessage(TenantOwned, Base):
    """A reply or update to a resident, sent through their own channel by a job."""

    __tablename__ = "outbound_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    contributor_id: Mapped[int | None] = mapped_column(
        ForeignKey("contributor.id", ondelete="CASCADE"), index=True
    )
    contribution_id: Mapped[int | None] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), index=True
    )
    # Set, with no contributor, only on the message that asks to confirm a typed address.
    confirmation_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_confirmation.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    provider_message_id: Mapped[str | None] = mapped_column(String(128))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set, with status "sending", and committed before the provider is called: a retry then
    # knows a send may have gone out and asks the provider first (where it can be asked).
    sending_since: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]


class ConversationState(TenantOwned, Base):
    """Where a dialogue stands (SMS thread, phone call, Telegram chat), keyed by a hash."""

    __tablename__ = "conversation_state"
    __table_args__ = (UniqueConstraint("channel", "key_hash", "tenant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64))
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation.id", ondelete="SET NULL")
    )
    language: Mapped[str | None] = mapped_column(String(8))
    step: Mapped[str | None] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]


class RateCounter(Base):
    """How often one (hashed) address did one thing within the current window."""

    __tablename__ = "rate_counter"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime]
    hits: Mapped[int] = mapped_column(default=0)


class SenderQuota(Base):
    """What one sender (keyed hash) sent on one channel in the current hour and day.

    Each window starts with the first message after the previous one ended; `noticed_at`
    is when the sender was last told they reached a limit, and `noticed_for` which window's
    (`hour` or `day`), so they are told once a window.
    """

    __tablename__ = "sender_quota"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    hour_start: Mapped[datetime]
    hour_messages: Mapped[int] = mapped_column(default=0)
    hour_media: Mapped[int] = mapped_column(default=0)
    day_start: Mapped[datetime]
    day_messages: Mapped[int] = mapped_column(default=0)
    day_media: Mapped[int] = mapped_column(default=0)
    noticed_at: Mapped[datetime | None]
    noticed_for: Mapped[str | None] = mapped_column(String(8))
