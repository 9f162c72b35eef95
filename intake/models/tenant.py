"""Municipalities sharing one installation, and the column that makes a row one's own."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from intake.models.base import Base, utcnow
from intake.tenancy import DEFAULT_TENANT_ID, current_tenant_id

__all__ = ["DEFAULT_RETENTION_DAYS", "DEFAULT_TENANT_ID", "Tenant", "TenantOwned"]

DEFAULT_ACCENT = "#0b4ea2"
# Days originals are kept when neither the consultation nor the municipality says otherwise.
DEFAULT_RETENTION_DAYS = 365


class Tenant(Base):
    """A municipality with its own residents, staff, channels and look.

    An installation for one municipality has only the default tenant (id 1), made by the
    first migration that knew tenants; it answers every host and every number.
    """

    __tablename__ = "tenant"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Host names its pages answer on (inspraak.gemeente-a.be); none: reached by /<slug>/.
    hosts: Mapped[list[str]] = mapped_column(default=list)
    accent: Mapped[str] = mapped_column(String(7), default=DEFAULT_ACCENT)
    # The logo's key in the media store (an SVG or PNG the platform admin gave).
    logo_key: Mapped[str | None] = mapped_column(String(64))
    logo_type: Mapped[str | None] = mapped_column(String(32))
    languages: Mapped[list[str]] = mapped_column(default=lambda: ["nl", "fr", "en"])
    # Days a contribution's personal details are kept when its consultation says nothing.
    retention_days: Mapped[int] = mapped_column(default=DEFAULT_RETENTION_DAYS)
    # Twilio numbers (E.164) residents text, WhatsApp or call; the number picks the tenant.
    phone_numbers: Mapped[list[str]] = mapped_column(default=list)
    # Its own Telegram bot: token, webhook secret, and the path Telegram posts to.
    telegram_token: Mapped[str | None] = mapped_column(String(128))
    telegram_secret: Mapped[str | None] = mapped_column(String(128))
    telegram_path: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Addresses residents write to; the address a mail came to picks the tenant.
    email_addresses: Mapped[list[str]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TenantOwned:
    """A row that belongs to one tenant; every ORM query sees only the current tenant's
    (`intake.tenancy`), and a new row takes the current tenant unless told otherwise."""

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:  # noqa: N805 (SQLAlchemy's declared_attr)
        return mapped_column(ForeignKey("tenant.id"), default=current_tenant_id)
