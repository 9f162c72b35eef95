"""staff sessions: signed-in browsers kept on the server, so they can be ended

The cookie carries a random token; the table keeps its SHA-256, the account, and when the
session started, was last used and ends at the latest.

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-03 09:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staff_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_user.id"],
            name=op.f("fk_staff_session_staff_user_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_session_token_hash")),
    )
    op.create_index(op.f("ix_staff_session_staff_user_id"), "staff_session", ["staff_user_id"])
    op.create_index(op.f("ix_staff_session_expires_at"), "staff_session", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_staff_session_expires_at"), table_name="staff_session")
    op.drop_index(op.f("ix_staff_session_staff_user_id"), table_name="staff_session")
    op.drop_table("staff_session")
