"""printed forms: the layout of every printed form version

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 19:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "printed_form",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("large_print", sa.Boolean(), nullable=False),
        sa.Column("layout", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_printed_form")),
        sa.UniqueConstraint(
            "slug", "language", "large_print", "version", name=op.f("uq_printed_form_slug")
        ),
    )


def downgrade() -> None:
    op.drop_table("printed_form")
