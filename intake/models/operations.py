"""The job queue, outbound messages, dialogue state and rate-limit counters."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from intake.models.base import Base, utcnow


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    DEAD = "dead"


class Job(Base):
    """Slow work (downloads, transcription, OCR, replies) done later by a worker."""

    __tablename__ = "job"
    __table_args__ = (Index("ix_job_ready", "status", "run_after"),)

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


class WorkerHeartbeat(Base):
    """The last sign of life of each worker process, shown by /healthz."""

    __tablename__ = "worker_heartbeat"

    worker_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    jobs_done: Mapped[int] = mapped_column(default=0)


class OutboundMessage(Base):
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
    sent_at: Mapped[datetime | None]


class ConversationState(Base):
    """Where a dialogue stands (SMS thread, phone call, Telegram chat), keyed by a hash."""

    __tablename__ = "conversation_state"
    __table_args__ = (UniqueConstraint("channel", "key_hash"),)

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
