"""results: themes, links, the municipality's decisions, quotes staff allow to publish

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 21:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _consultation_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["consultation_id"],
        ["consultation.id"],
        name=op.f(f"fk_{table}_consultation_id_consultation"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("top_terms", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _consultation_fk("theme"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme")),
    )
    op.create_index(op.f("ix_theme_consultation_id"), "theme", ["consultation_id"])
    op.create_table(
        "contribution_theme",
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contribution_id"],
            ["contribution.id"],
            name=op.f("fk_contribution_theme_contribution_id_contribution"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["theme.id"],
            name=op.f("fk_contribution_theme_theme_id_theme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contribution_id", name=op.f("pk_contribution_theme")),
    )
    op.create_index(op.f("ix_contribution_theme_theme_id"), "contribution_theme", ["theme_id"])
    op.create_table(
        "contribution_link",
        sa.Column("low_id", sa.Integer(), nullable=False),
        sa.Column("high_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *(
            sa.ForeignKeyConstraint(
                [column],
                ["contribution.id"],
                name=op.f(f"fk_contribution_link_{column}_contribution"),
                ondelete="CASCADE",
            )
            for column in ("low_id", "high_id")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_user.id"],
            name=op.f("fk_contribution_link_created_by_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("low_id", "high_id", name=op.f("pk_contribution_link")),
    )
    op.create_index(op.f("ix_contribution_link_high_id"), "contribution_link", ["high_id"])
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _consultation_fk("decision"),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_user.id"],
            name=op.f("fk_decision_created_by_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision")),
    )
    op.create_index(op.f("ix_decision_consultation_id"), "decision", ["consultation_id"])
    with op.batch_alter_table("review_state") as batch:
        batch.add_column(
            sa.Column("publishable", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("public_quote", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("review_state") as batch:
        batch.drop_column("public_quote")
        batch.drop_column("publishable")
    op.drop_table("decision")
    op.drop_table("contribution_link")
    op.drop_table("contribution_theme")
    op.drop_table("theme")
