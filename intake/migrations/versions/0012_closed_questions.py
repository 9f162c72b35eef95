"""closed questions: a consultation's closed questions, versioned, their answers, and
whether their counts are public

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 17:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("consultation") as batch:
        batch.add_column(
            sa.Column(
                "closed_results_public", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    op.create_table(
        "closed_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultation.id"],
            name=op.f("fk_closed_question_consultation_id_consultation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closed_question")),
        sa.UniqueConstraint(
            "consultation_id", "key", "version", name=op.f("uq_closed_question_consultation_id")
        ),
    )
    op.create_index(
        op.f("ix_closed_question_consultation_id"),
        "closed_question",
        ["consultation_id"],
        unique=False,
    )
    op.create_table(
        "answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("option", sa.String(length=8), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["contribution_id"],
            ["contribution.id"],
            name=op.f("fk_answer_contribution_id_contribution"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["closed_question.id"],
            name=op.f("fk_answer_question_id_closed_question"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer")),
        sa.UniqueConstraint(
            "contribution_id", "question_id", name=op.f("uq_answer_contribution_id")
        ),
    )
    op.create_index(op.f("ix_answer_contribution_id"), "answer", ["contribution_id"], unique=False)
    op.create_index(
        "ix_answer_question_current", "answer", ["question_id", "superseded_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_answer_question_current", table_name="answer")
    op.drop_index(op.f("ix_answer_contribution_id"), table_name="answer")
    op.drop_table("answer")
    op.drop_index(op.f("ix_closed_question_consultation_id"), table_name="closed_question")
    op.drop_table("closed_question")
    with op.batch_alter_table("consultation") as batch:
        batch.drop_column("closed_results_public")
