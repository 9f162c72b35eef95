"""Write who did what to the audit trail (never the personal data itself)."""

from __future__ import annotations

from typing import Any

from flask import g
from sqlalchemy.orm import Session

from intake.models import AuditEvent


def record(
    session: Session,
    action: str,
    target_type: str | None = None,
    target_id: int | None = None,
    **details: Any,
) -> None:
    """Add an audit entry for the signed-in staff member, in the caller's transaction."""
    user = g.get("staff")
    session.add(
        AuditEvent(
            actor_id=user.id if user else None,
            action=action,
            target_type=target_type,
            target_id=target_id,
            details=details,
        )
    )
