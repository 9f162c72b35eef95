"""roles per consultation, and staff accounts of an OpenID provider

A non-admin account may do what its role allows in the consultations granted to it, or in
all (a grant without consultation). Accounts that existed keep what they could do: each
non-admin account gets a grant for all consultations with its role.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 09:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff_user") as batch:
        batch.add_column(sa.Column("oidc_subject", sa.String(length=255), nullable=True))
        batch.create_unique_constraint(op.f("uq_staff_user_oidc_subject"), ["oidc_subject"])
    op.create_table(
        "staff_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_user.id"],
            name=op.f("fk_staff_grant_staff_user_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultation.id"],
            name=op.f("fk_staff_grant_consultation_id_consultation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_grant")),
        sa.UniqueConstraint(
            "staff_user_id",
            "consultation_id",
            name=op.f("uq_staff_grant_staff_user_id"),
        ),
    )
    op.create_index(op.f("ix_staff_grant_staff_user_id"), "staff_grant", ["staff_user_id"])
    op.create_index(op.f("ix_staff_grant_consultation_id"), "staff_grant", ["consultation_id"])
    op.execute(
        "INSERT INTO staff_grant (staff_user_id, consultation_id, role) "
        "SELECT id, NULL, role FROM staff_user WHERE role <> 'admin'"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_staff_grant_consultation_id"), table_name="staff_grant")
    op.drop_index(op.f("ix_staff_grant_staff_user_id"), table_name="staff_grant")
    op.drop_table("staff_grant")
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_constraint(op.f("uq_staff_user_oidc_subject"), type_="unique")
        batch.drop_column("oidc_subject")
