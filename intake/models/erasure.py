"""What is remembered of an erased contribution: that its channel message was erased."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from intake.models.base import Base, utcnow


class ErasedMessage(Base):
    """A channel message whose contribution was erased, so a re-import does not bring it back.

    Only a keyed hash of (channel, channel message id) is kept: a message id can name a
    chat, and the hash is enough to recognise the same message again.
    """

    __tablename__ = "erased_message"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    erased_at: Mapped[datetime] = mapped_column(default=utcnow)
