"""Closed questions a consultation asks beside its open one, and the answers they got."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.models.base import Base, utcnow
from intake.models.consultation import Consultation
from intake.models.tenant import TenantOwned


class QuestionKind(enum.StrEnum):
    CHOICE = "choice"
    YES_NO = "yes_no"
    SCALE = "scale"


class ClosedQuestion(TenantOwned, Base):
    """One version of a closed question: its texts and options in every language.

    A question keeps its `key` across versions; an edit after the first answer retires the
    version answered (`retired_at`) and adds the next, so every answer keeps the wording
    the resident saw.
    """

    __tablename__ = "closed_question"
    __table_args__ = (UniqueConstraint("consultation_id", "key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column(default=1)
    kind: Mapped[str] = mapped_column(String(16), default=QuestionKind.CHOICE)
    required: Mapped[bool] = mapped_column(default=False)
    # The question per language: {"nl": "...", "fr": "...", "en": "..."}.
    texts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The options in order, each its texts per language; the first is option "1".
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSON(), default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]

    consultation: Mapped[Consultation] = relationship()

    def text_in(self, language: str) -> str:
        """Return the question in `language`, else Dutch, else any language there is."""
        return _in(self.texts, language)

    def labels_in(self, language: str) -> list[tuple[str, str]]:
        """Return (option key, label) pairs in `language`, in order; keys are "1", "2", …"""
        return [(str(n), _in(texts, language)) for n, texts in enumerate(self.options, 1)]


def _in(texts: dict[str, Any], language: str) -> str:
    for candidate in (language, "nl", *sorted(texts)):
        if texts.get(candidate):
            return str(texts[candidate])
    return ""


class Answer(TenantOwned, Base):
    """A contribution's answer to one version of a closed question, with how it was given."""

    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("contribution_id", "question_id"),
        Index("ix_answer_question_current", "question_id", "superseded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("closed_question.id", ondelete="CASCADE"))
    option: Mapped[str] = mapped_column(String(8))
    # How the answer was given: an `intake.evidence.AnswerEvidence` as JSON.
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the same resident answered again later, through any channel: counted once.
    superseded_at: Mapped[datetime | None]

    question: Mapped[ClosedQuestion] = relationship(lazy="joined")
