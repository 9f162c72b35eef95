"""tenants: municipalities sharing one installation; every tenant's row says whose it is

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 16:00:00.000000

"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every table whose rows belong to one municipality; what was there belongs to the default.
OWNED = (
    "consultation",
    "consultation_text",
    "contact_confirmation",
    "contributor",
    "contribution",
    "attachment",
    "printed_form",
    "job",
    "outbound_message",
    "conversation_state",
    "closed_question",
    "answer",
    "theme",
    "contribution_theme",
    "contribution_link",
    "decision",
    "tag",
    "contribution_tag",
    "text_revision",
    "review_note",
    "review_state",
    "staff_user",
    "staff_grant",
    "staff_session",
    "audit_event",
)
# Unique within a municipality now: (constraint, its columns before tenant_id).
PER_TENANT = (
    ("consultation", "uq_consultation_slug", ["slug"]),
    ("consultation", "uq_consultation_sms_keyword", ["sms_keyword"]),
    ("consultation", "uq_consultation_phone_digit", ["phone_digit"]),
    ("contributor", "uq_contributor_address_kind", ["address_kind", "address_hash"]),
    ("printed_form", "uq_printed_form_slug", ["slug", "language", "large_print", "version"]),
    ("conversation_state", "uq_conversation_state_channel", ["channel", "key_hash"]),
    ("tag", "uq_tag_name", ["name"]),
    ("staff_user", "uq_staff_user_email", ["email"]),
    ("staff_user", "uq_staff_user_oidc_subject", ["oidc_subject"]),
)


def upgrade() -> None:
    tenant = op.create_table(
        "tenant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("hosts", sa.JSON(), nullable=False),
        sa.Column("accent", sa.String(length=7), nullable=False),
        sa.Column("logo_key", sa.String(length=64), nullable=True),
        sa.Column("logo_type", sa.String(length=32), nullable=True),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=False),
        sa.Column("phone_numbers", sa.JSON(), nullable=False),
        sa.Column("telegram_token", sa.String(length=128), nullable=True),
        sa.Column("telegram_secret", sa.String(length=128), nullable=True),
        sa.Column("telegram_path", sa.String(length=64), nullable=True),
        sa.Column("email_addresses", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenant")),
        sa.UniqueConstraint("slug", name=op.f("uq_tenant_slug")),
        sa.UniqueConstraint("telegram_path", name=op.f("uq_tenant_telegram_path")),
    )
    op.bulk_insert(
        tenant,
        [
            {
                "id": 1,
                "slug": "default",
                "name": "Inspraak",
                "hosts": [],
                "accent": "#0b4ea2",
                "languages": ["nl", "fr", "en"],
                "retention_days": 365,
                "phone_numbers": [],
                "email_addresses": [],
                "active": True,
                "created_at": datetime.now(UTC),
            }
        ],
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT setval('tenant_id_seq', 1)")
    for table in OWNED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("tenant_id", sa.Integer(), nullable=False, server_default="1")
            )
            batch.create_foreign_key(
                op.f(f"fk_{table}_tenant_id_tenant"), "tenant", ["tenant_id"], ["id"]
            )
        # From now on every row names its tenant itself (intake.tenancy), never by default.
        with op.batch_alter_table(table) as batch:
            batch.alter_column("tenant_id", server_default=None)
    for table, name, columns in PER_TENANT:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(name), type_="unique")
            batch.create_unique_constraint(op.f(name), [*columns, "tenant_id"])
    with op.batch_alter_table("contribution") as batch:
        batch.drop_index("ix_contribution_queue")
        batch.create_index("ix_contribution_queue", ["tenant_id", "received_at", "id"])


def downgrade() -> None:
    with op.batch_alter_table("contribution") as batch:
        batch.drop_index("ix_contribution_queue")
        batch.create_index("ix_contribution_queue", ["received_at", "id"])
    for table, name, columns in PER_TENANT:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(name), type_="unique")
            batch.create_unique_constraint(op.f(name), columns)
    for table in OWNED:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"fk_{table}_tenant_id_tenant"), type_="foreignkey")
            batch.drop_column("tenant_id")
    op.drop_table("tenant")
