"""fewer contribution indexes: drop the two that lead composite indexes already

Every contribution updates every index on its table; consultation_id and status each lead
a queue index (and consultation_id the facet index), which serve the same lookups.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 22:30:00.000000

"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_contribution_consultation_id", table_name="contribution")
    op.drop_index("ix_contribution_status", table_name="contribution")


def downgrade() -> None:
    op.create_index("ix_contribution_status", "contribution", ["status"])
    op.create_index("ix_contribution_consultation_id", "contribution", ["consultation_id"])
