"""Contact details typed on a form, held until their owner proves they are theirs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from intake.models.base import Base, utcnow
from intake.models.tenant import TenantOwned


class ContactConfirmation(TenantOwned, Base):
    """A phone number or e-mail address given with one contribution, not yet proven.

    Anyone can type anyone's number, so it is kept apart from the residents: nothing but
    the confirmation itself is sent to it, and only once its owner typed the code (or
    followed the link) does the contribution join the resident behind that address.
    """

    __tablename__ = "contact_confirmation"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    # The keyed hash the address would have as a resident's: for the limits per address,
    # the opt-out check and erasure on request.
    address_hash: Mapped[str] = mapped_column(String(64), index=True)
    # Kept until it is confirmed (then the resident holds it) or retention removes it.
    address: Mapped[str | None] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(8))
    wants_updates: Mapped[bool] = mapped_column(default=False)
    # A keyed hash of the code or link sent last; never the code or link itself.
    secret_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    expires_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    sends: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
