"""usage: what each municipality used per month (contributions, SMS segments, voice)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 17:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "usage_count",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("metric", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_usage_count_tenant_id_tenant")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "month", "metric", name=op.f("pk_usage_count")),
    )


def downgrade() -> None:
    op.drop_table("usage_count")
