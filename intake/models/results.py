"""What a consultation produced: themes found in it, and the municipality's answers."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.models.base import Base, utcnow
from intake.models.staff import StaffUser
from intake.models.tenant import TenantOwned


class ThemeStatus(enum.StrEnum):
    SUGGESTED = "suggested"
    CONFIRMED = "confirmed"


class ThemeAssignment(enum.StrEnum):
    MACHINE = "machine"
    STAFF = "staff"


class Theme(TenantOwned, Base):
    """A group of contributions about the same thing, found by the machine or made by staff."""

    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=ThemeStatus.SUGGESTED)
    # The name staff gave the theme, per language ({"nl": "Bomen", "fr": "Arbres"}).
    labels: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The words that set the theme apart, most telling first, as the machine found them.
    top_terms: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def label_in(self, language: str) -> str:
        """Return the theme's name in `language`, else Dutch, else any, else its top terms."""
        for candidate in (language, "nl", *sorted(self.labels)):
            if self.labels.get(candidate):
                return str(self.labels[candidate])
        return ", ".join(self.top_terms[:3])


class ContributionTheme(TenantOwned, Base):
    """The one theme a contribution belongs to, and who put it there."""

    __tablename__ = "contribution_theme"

    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"), index=True)
    assigned_by: Mapped[str] = mapped_column(String(16), default=ThemeAssignment.MACHINE)
    # How close the contribution is to the theme's centre (1 is the centre), for sorting.
    score: Mapped[float | None]

    theme: Mapped[Theme] = relationship()


class ContributionLink(TenantOwned, Base):
    """Two contributions staff linked: the same person or the same matter, through two channels."""

    __tablename__ = "contribution_link"

    # The pair is stored once, the lower id first.
    low_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), primary_key=True
    )
    high_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Decision(TenantOwned, Base):
    """The municipality's response or a decision taken with the input, with its date."""

    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    decided_on: Mapped[date]
    # Title and body per language: {"nl": {"title": ..., "body": ...}, "fr": {...}}.
    texts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by: Mapped[StaffUser | None] = relationship()

    def text_in(self, language: str) -> dict[str, str]:
        """Return {"title", "body"} in `language`, else Dutch, else any language there is."""
        for candidate in (language, "nl", *sorted(self.texts)):
            if self.texts.get(candidate):
                return {"title": "", "body": "", **self.texts[candidate]}
        return {"title": "", "body": ""}
