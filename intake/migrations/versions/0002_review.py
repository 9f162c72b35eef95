"""review: tags, notes, text history, review state, queue indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 18:30:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUEUE_INDEXES = {
    "ix_contribution_consultation_queue": ["consultation_id", "received_at", "id"],
    "ix_contribution_channel_queue": ["channel", "received_at", "id"],
    "ix_contribution_language_queue": ["language", "received_at", "id"],
    "ix_contribution_status_queue": ["status", "received_at", "id"],
    "ix_contribution_person_queue": ["needs_person", "received_at", "id"],
    "ix_contribution_facets": [
        "consultation_id",
        "channel",
        "language",
        "status",
        "needs_person",
    ],
}


def _staff_fk(column: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        ["staff_user.id"],
        name=op.f(f"fk_{table}_{column}_staff_user"),
        ondelete="SET NULL",
    )


def _contribution_fk(column: str, table: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        ["contribution.id"],
        name=op.f(f"fk_{table}_{column}_contribution"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag")),
        sa.UniqueConstraint("name", name=op.f("uq_tag_name")),
    )
    op.create_table(
        "contribution_tag",
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        _contribution_fk("contribution_id", "contribution_tag", "CASCADE"),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tag.id"], name=op.f("fk_contribution_tag_tag_id_tag"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("contribution_id", "tag_id", name=op.f("pk_contribution_tag")),
    )
    op.create_index(op.f("ix_contribution_tag_tag_id"), "contribution_tag", ["tag_id"])
    op.create_table(
        "text_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_origin", sa.String(length=16), nullable=False),
        sa.Column("confidence", sa.Double(), nullable=True),
        sa.Column("replaced_by_id", sa.Integer(), nullable=True),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        _contribution_fk("contribution_id", "text_revision", "CASCADE"),
        _staff_fk("replaced_by_id", "text_revision"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_revision")),
    )
    op.create_index(op.f("ix_text_revision_contribution_id"), "text_revision", ["contribution_id"])
    op.create_table(
        "review_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _contribution_fk("contribution_id", "review_note", "CASCADE"),
        _staff_fk("author_id", "review_note"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_note")),
    )
    op.create_index(op.f("ix_review_note_contribution_id"), "review_note", ["contribution_id"])
    op.create_table(
        "review_state",
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("assigned_to_id", sa.Integer(), nullable=True),
        sa.Column("status_reason", sa.String(length=500), nullable=True),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _contribution_fk("contribution_id", "review_state", "CASCADE"),
        _contribution_fk("duplicate_of_id", "review_state", "SET NULL"),
        _staff_fk("assigned_to_id", "review_state"),
        sa.PrimaryKeyConstraint("contribution_id", name=op.f("pk_review_state")),
    )
    op.create_index(op.f("ix_review_state_assigned_to_id"), "review_state", ["assigned_to_id"])
    op.create_index(op.f("ix_review_state_duplicate_of_id"), "review_state", ["duplicate_of_id"])
    for name, columns in QUEUE_INDEXES.items():
        op.create_index(name, "contribution", columns)


def downgrade() -> None:
    for name in QUEUE_INDEXES:
        op.drop_index(name, table_name="contribution")
    op.drop_table("review_state")
    op.drop_table("review_note")
    op.drop_table("text_revision")
    op.drop_table("contribution_tag")
    op.drop_table("tag")
