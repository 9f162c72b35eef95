"""Consultations and their texts per language."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.models.base import Base, utcnow
from intake.models.tenant import TenantOwned


class ConsultationStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Consultation(TenantOwned, Base):
    """A question a municipality puts to its residents, open for a while."""

    __tablename__ = "consultation"
    # Each municipality names its consultations, keywords and menu digits freely.
    __table_args__ = (
        UniqueConstraint("slug", "tenant_id"),
        UniqueConstraint("sms_keyword", "tenant_id"),
        UniqueConstraint("phone_digit", "tenant_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=ConsultationStatus.DRAFT)
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    sms_keyword: Mapped[str | None] = mapped_column(String(32))
    phone_digit: Mapped[str | None] = mapped_column(String(1))
    retention_days: Mapped[int] = mapped_column(default=365)
    # Whether staff put the closed questions' counts on the public results page.
    closed_results_public: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    texts: Mapped[list[ConsultationText]] = relationship(
        back_populates="consultation", cascade="all, delete-orphan", lazy="selectin"
    )

    def text_in(self, language: str) -> ConsultationText:
        """Return the texts in `language`, else Dutch, else any language there is."""
        by_language = {t.language: t for t in self.texts}
        for candidate in (language, "nl", *sorted(by_language)):
            if candidate in by_language:
                return by_language[candidate]
        raise LookupError(f"consultation {self.slug} has no texts")

    def is_open(self, now: datetime | None = None) -> bool:
        """Tell whether residents can take part right now."""
        now = now or utcnow()
        if self.status != ConsultationStatus.OPEN:
            return False
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)


class ConsultationText(TenantOwned, Base):
    """A consultation's title, question and description in one language."""

    __tablename__ = "consultation_text"
    __table_args__ = (UniqueConstraint("consultation_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")

    consultation: Mapped[Consultation] = relationship(back_populates="texts")
