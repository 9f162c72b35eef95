"""fair jobs and sender quotas: claim order by lane and sender rank; per-sender counts

A job gets a lane (0: replies and other short work, 1: heavy work such as OCR and speech),
a rank behind its sender's other waiting heavy jobs, and its sender. `ix_job_queue` holds the
waiting jobs in claim order, `ix_job_leased` the running ones by lease and `ix_job_dead` the
dead ones: partial indexes, which replace `ix_job_ready` (status, run_after) so that a claim
reads one entry whatever the planner's statistics say. `sender_quota` counts what each
sender sent per hour and per day on each channel.

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-02 19:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The heavy kinds of the installed engines and channels at this revision: jobs already
# waiting get their lane now; later ones get it from their plugin when queued.
QUEUED_ONLY = "status = 'queued'"
RUNNING_ONLY = "status = 'running'"
DEAD_ONLY = "status = 'dead'"
HEAVY_KINDS = (
    "ocr.read_scan",
    "paper.import_file",
    "sms.media",
    "telegram.fetch_media",
    "themes.compute",
    "transcription.transcribe",
    "voice.fetch_recording",
)


def upgrade() -> None:
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("lane", sa.SmallInteger(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("sender_rank", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("contributor_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_job_contributor_id_contributor"),
            "contributor",
            ["contributor_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(
            "ix_job_queue",
            ["lane", "sender_rank", "run_after", "id"],
            unique=False,
            postgresql_where=sa.text(QUEUED_ONLY),
            sqlite_where=sa.text(QUEUED_ONLY),
        )
        batch_op.create_index(
            "ix_job_leased",
            ["lease_until"],
            unique=False,
            postgresql_where=sa.text(RUNNING_ONLY),
            sqlite_where=sa.text(RUNNING_ONLY),
        )
        batch_op.create_index(
            "ix_job_dead",
            ["id"],
            unique=False,
            postgresql_where=sa.text(DEAD_ONLY),
            sqlite_where=sa.text(DEAD_ONLY),
        )
        batch_op.create_index(
            "ix_job_sender", ["contributor_id", "status", "sender_rank"], unique=False
        )
        batch_op.drop_index("ix_job_ready")
    job = sa.table("job", sa.column("kind", sa.String()), sa.column("lane", sa.SmallInteger()))
    op.execute(job.update().where(job.c.kind.in_(HEAVY_KINDS)).values(lane=1))

    op.create_table(
        "sender_quota",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("hour_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hour_messages", sa.Integer(), nullable=False),
        sa.Column("hour_media", sa.Integer(), nullable=False),
        sa.Column("day_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day_messages", sa.Integer(), nullable=False),
        sa.Column("day_media", sa.Integer(), nullable=False),
        sa.Column("noticed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("noticed_for", sa.String(length=8), nullable=True),
        sa.PrimaryKeyConstraint("channel", "key_hash", name=op.f("pk_sender_quota")),
    )


def downgrade() -> None:
    op.drop_table("sender_quota")
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.create_index("ix_job_ready", ["status", "run_after"], unique=False)
        batch_op.drop_index("ix_job_sender")
        batch_op.drop_index("ix_job_dead")
        batch_op.drop_index("ix_job_leased")
        batch_op.drop_index("ix_job_queue")
        batch_op.drop_constraint(
            batch_op.f("fk_job_contributor_id_contributor"), type_="foreignkey"
        )
        batch_op.drop_column("contributor_id")
        batch_op.drop_column("sender_rank")
        batch_op.drop_column("lane")
