"""personal data: remember erased channel messages so a re-import does not resurrect them

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-02 10:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "erased_message",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_hash", name=op.f("pk_erased_message")),
    )


def downgrade() -> None:
    op.drop_table("erased_message")
