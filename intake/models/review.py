"""What staff add while reviewing: tags, notes, text history, assignment, status reasons."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.models.base import Base, utcnow
from intake.models.contribution import Contribution
from intake.models.staff import StaffUser
from intake.models.tenant import TenantOwned


class Tag(TenantOwned, Base):
    """A word staff use to group contributions ("bomen", "verkeer")."""

    __tablename__ = "tag"
    __table_args__ = (UniqueConstraint("name", "tenant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))


class ContributionTag(TenantOwned, Base):
    """One tag on one contribution."""

    __tablename__ = "contribution_tag"

    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    tag: Mapped[Tag] = relationship(lazy="joined")


class TextRevision(TenantOwned, Base):
    """A text a contribution had before staff corrected it (the machine's version first)."""

    __tablename__ = "text_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    text_origin: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[float | None]
    replaced_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)

    replaced_by: Mapped[StaffUser | None] = relationship(lazy="joined")


class ReviewNote(TenantOwned, Base):
    """A note for colleagues about a contribution; residents never see it."""

    __tablename__ = "review_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[StaffUser | None] = relationship(lazy="joined")


class ReviewState(TenantOwned, Base):
    """Who a contribution is assigned to, why it has its status, what it duplicates."""

    __tablename__ = "review_state"

    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), primary_key=True
    )
    assigned_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), index=True
    )
    status_reason: Mapped[str | None] = mapped_column(String(500))
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("contribution.id", ondelete="SET NULL"), index=True
    )
    # Staff checked the words and allow them on the public results page, names never shown.
    publishable: Mapped[bool] = mapped_column(default=False)
    # What the results page quotes instead of the full text (shortened, names taken out).
    public_quote: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    assigned_to: Mapped[StaffUser | None] = relationship(lazy="joined")
    duplicate_of: Mapped[Contribution | None] = relationship(
        foreign_keys=[duplicate_of_id], lazy="joined"
    )


# The review queue is read newest first under one filter at a time; each index serves one.
_QUEUE = (Contribution.received_at, Contribution.id)
Index("ix_contribution_consultation_queue", Contribution.consultation_id, *_QUEUE)
Index("ix_contribution_channel_queue", Contribution.channel, *_QUEUE)
Index("ix_contribution_language_queue", Contribution.language, *_QUEUE)
Index("ix_contribution_status_queue", Contribution.status, *_QUEUE)
Index("ix_contribution_person_queue", Contribution.needs_person, *_QUEUE)
# Counts per filter value come from one grouped scan of this covering index.
Index(
    "ix_contribution_facets",
    Contribution.consultation_id,
    Contribution.channel,
    Contribution.language,
    Contribution.status,
    Contribution.needs_person,
)
