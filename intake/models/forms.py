"""Printed paper forms: the layout of every version handed out, for reading scans back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from intake.models.base import Base, utcnow
from intake.models.tenant import TenantOwned


class PrintedForm(TenantOwned, Base):
    """One printed version of a consultation's form, in one language and variant."""

    __tablename__ = "printed_form"
    __table_args__ = (UniqueConstraint("slug", "language", "large_print", "version", "tenant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The slug, not a foreign key: a scan names its form by the slug in its QR code.
    slug: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    language: Mapped[str] = mapped_column(String(8))
    large_print: Mapped[bool] = mapped_column(default=False)
    # The form's FormLayout as JSON: where each field sits, to read a scan of this version.
    layout: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
