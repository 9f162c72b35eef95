"""Contributors, their contributions and the original evidence attached to them."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.models.base import Base, utcnow
from intake.models.consultation import Consultation
from intake.models.tenant import TenantOwned

if TYPE_CHECKING:
    from intake.models.questions import Answer


class ContributionStatus(enum.StrEnum):
    NEW = "new"
    IN_REVIEW = "in_review"
    ACCEPTED = "accepted"
    NOT_RELEVANT = "not_relevant"
    DUPLICATE = "duplicate"


class TextOrigin(enum.StrEnum):
    TYPED = "typed"
    TRANSCRIBED = "transcribed"
    OCR = "ocr"
    CORRECTED = "corrected"
    NONE = "none"


class Contributor(TenantOwned, Base):
    """A resident, known only by a keyed hash of their address on a channel."""

    __tablename__ = "contributor"
    # One resident per municipality: the same number texting two municipalities is two
    # residents, each known only to its own staff.
    __table_args__ = (UniqueConstraint("address_kind", "address_hash", "tenant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address_kind: Mapped[str] = mapped_column(String(16))
    address_hash: Mapped[str] = mapped_column(String(64))
    # Kept only while a reply or an update may still be sent; erased by retention rules.
    address: Mapped[str | None] = mapped_column(String(255))
    # Whether the address was proven to be theirs: the provider's word for a text or chat,
    # a code or link for what was typed on a form. Nothing but a confirmation goes to an
    # address without it.
    address_confirmed: Mapped[bool] = mapped_column(default=False)
    preferred_language: Mapped[str] = mapped_column(String(8), default="nl")
    wants_updates: Mapped[bool] = mapped_column(default=False)
    opted_out: Mapped[bool] = mapped_column(default=False)
    unreachable: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class Contribution(TenantOwned, Base):
    """One resident's voice on one consultation, whatever channel it came through."""

    __tablename__ = "contribution"
    __table_args__ = (
        UniqueConstraint("channel", "channel_message_id"),
        Index("ix_contribution_queue", "tenant_id", "received_at", "id"),
        # The staff search finds words anywhere in the text; on PostgreSQL a trigram index
        # answers that without reading every row. SQLite scans (one municipality's size).
        Index(
            "ix_contribution_text_trgm",
            "text",
            postgresql_using="gin",
            postgresql_ops={"text": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    # Not indexed alone: the queue and facet indexes (admin review) lead with it.
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultation.id"))
    contributor_id: Mapped[int | None] = mapped_column(
        ForeignKey("contributor.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    channel_message_id: Mapped[str | None] = mapped_column(String(128))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default=ContributionStatus.NEW)
    needs_person: Mapped[bool] = mapped_column(default=False)
    needs_person_reason: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, default="")
    text_origin: Mapped[str] = mapped_column(String(16), default=TextOrigin.TYPED)
    confidence: Mapped[float | None]
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    author_name: Mapped[str | None] = mapped_column(String(120))
    postcode: Mapped[str | None] = mapped_column(String(12))

    consultation: Mapped[Consultation | None] = relationship()
    contributor: Mapped[Contributor | None] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="contribution", cascade="all, delete-orphan", order_by="Attachment.id"
    )
    # The closed questions' answers (intake.models.questions), oldest first.
    closed_answers: Mapped[list[Answer]] = relationship(
        cascade="all, delete-orphan", order_by="Answer.id", passive_deletes=True
    )


class Attachment(TenantOwned, Base):
    """An original kept as evidence: a recording, a scan, a photo, a field crop."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int | None]
    duration_seconds: Mapped[float | None]
    pages: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contribution: Mapped[Contribution] = relationship(back_populates="attachments")
