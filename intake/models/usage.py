"""What each municipality used, per month: the figures a shared installation's costs split by."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from intake.models.base import Base


class UsageCount(Base):
    """How much of one thing (`metric`) one tenant used in one month ('YYYY-MM', UTC).

    Not `TenantOwned`: the tenant is always named, and the platform reads every tenant's.
    Holds no personal data, so erasing contributions leaves the counts as they were.
    """

    __tablename__ = "usage_count"

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    metric: Mapped[str] = mapped_column(String(64), primary_key=True)
    quantity: Mapped[int] = mapped_column(default=0)
