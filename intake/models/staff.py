"""Staff accounts and the audit trail of what they did."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from intake.models.base import Base, utcnow
from intake.models.tenant import TenantOwned


class Role(enum.StrEnum):
    ADMIN = "admin"
    MODERATOR = "moderator"
    VIEWER = "viewer"
    # Runs the installation: municipalities and their usage, never residents' words.
    PLATFORM = "platform"


class StaffUser(TenantOwned, Base):
    """A municipal staff member or volunteer who reviews contributions."""

    __tablename__ = "staff_user"
    # Staff belong to one municipality; the same e-mail may work for two, as two accounts.
    __table_args__ = (
        UniqueConstraint("email", "tenant_id"),
        UniqueConstraint("oidc_subject", "tenant_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.VIEWER)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # The OpenID provider's subject ("sub") of an account that signs in there; None for
    # local accounts. Matched on every sign-in: an e-mail address can change hands.
    oidc_subject: Mapped[str | None] = mapped_column(String(255))


class StaffGrant(TenantOwned, Base):
    """What a non-admin may do in one consultation, or in all (consultation_id None)."""

    __tablename__ = "staff_grant"
    __table_args__ = (UniqueConstraint("staff_user_id", "consultation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))


class StaffSession(TenantOwned, Base):
    """A signed-in browser: its cookie holds a random token, this row only the token's hash."""

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class AuditEvent(TenantOwned, Base):
    """Who did what to which record, and when; never the personal data itself."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
