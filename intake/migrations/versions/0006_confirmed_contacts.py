"""confirmed contacts: typed addresses wait for a code or link; callers apart from texters

A number or e-mail address typed on a form now waits in `contact_confirmation` until its
owner proves it; a resident's address says whether it was proven (`address_confirmed`),
and messages go only to proven addresses. Existing addresses count as proven when the
provider vouched for them: Telegram chats, and numbers that texted (SMS or WhatsApp).
Calls move to residents of their own kind, `caller`, since caller ID can be forged.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 10:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXTING = ("sms", "whatsapp")
contributor = sa.table(
    "contributor",
    sa.column("id", sa.Integer),
    sa.column("address_kind", sa.String),
    sa.column("address_hash", sa.String),
    sa.column("address", sa.String),
    sa.column("preferred_language", sa.String),
    sa.column("wants_updates", sa.Boolean),
    sa.column("opted_out", sa.Boolean),
    sa.column("unreachable", sa.Boolean),
    sa.column("address_confirmed", sa.Boolean),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("last_seen_at", sa.DateTime(timezone=True)),
)
contribution = sa.table(
    "contribution",
    sa.column("id", sa.Integer),
    sa.column("contributor_id", sa.Integer),
    sa.column("channel", sa.String),
    sa.column("received_at", sa.DateTime(timezone=True)),
)
conversation = sa.table(
    "conversation_state",
    sa.column("channel", sa.String),
    sa.column("key_hash", sa.String),
)


def _confirm_vouched_addresses() -> None:
    texted = sa.exists().where(
        contribution.c.contributor_id == contributor.c.id, contribution.c.channel.in_(TEXTING)
    )
    talked = sa.exists().where(
        conversation.c.key_hash == contributor.c.address_hash, conversation.c.channel.in_(TEXTING)
    )
    op.execute(
        contributor.update()
        .where(
            contributor.c.address.is_not(None),
            sa.or_(
                contributor.c.address_kind == "telegram",
                sa.and_(contributor.c.address_kind == "phone", sa.or_(texted, talked)),
            ),
        )
        .values(address_confirmed=True)
    )


def _move_calls_to_callers() -> None:
    phone = contributor.alias("phone")
    calls = (
        sa.select(
            sa.literal("caller"),
            phone.c.address_hash,
            phone.c.preferred_language,
            sa.false(),
            sa.false(),
            sa.false(),
            sa.false(),
            sa.func.min(contribution.c.received_at),
            sa.func.max(contribution.c.received_at),
        )
        .join(contribution, contribution.c.contributor_id == phone.c.id)
        .where(contribution.c.channel == "voice", phone.c.address_kind == "phone")
        .group_by(phone.c.id, phone.c.address_hash, phone.c.preferred_language)
    )
    op.execute(
        contributor.insert().from_select(
            [
                "address_kind",
                "address_hash",
                "preferred_language",
                "wants_updates",
                "opted_out",
                "unreachable",
                "address_confirmed",
                "created_at",
                "last_seen_at",
            ],
            calls,
        )
    )
    caller, phone = contributor.alias("caller"), contributor.alias("phone")
    own = (
        sa.select(caller.c.id)
        .join(phone, phone.c.address_hash == caller.c.address_hash)
        .where(
            caller.c.address_kind == "caller",
            phone.c.address_kind == "phone",
            phone.c.id == contribution.c.contributor_id,
        )
        .scalar_subquery()
    )
    phones = sa.select(contributor.c.id).where(contributor.c.address_kind == "phone")
    op.execute(
        contribution.update()
        .where(contribution.c.channel == "voice", contribution.c.contributor_id.in_(phones))
        .values(contributor_id=own)
    )


def upgrade() -> None:
    # A plain ADD COLUMN, never a batch: on SQLite a batch copies and drops the table, and
    # dropping it would empty every contribution's and message's link to its resident.
    op.add_column(
        "contributor",
        sa.Column("address_confirmed", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    _confirm_vouched_addresses()
    _move_calls_to_callers()
    op.create_table(
        "contact_confirmation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("wants_updates", sa.Boolean(), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sends", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["contribution_id"],
            ["contribution.id"],
            name=op.f("fk_contact_confirmation_contribution_id_contribution"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_confirmation")),
        sa.UniqueConstraint(
            "contribution_id", name=op.f("uq_contact_confirmation_contribution_id")
        ),
    )
    op.create_index(
        op.f("ix_contact_confirmation_address_hash"), "contact_confirmation", ["address_hash"]
    )
    op.create_index(
        op.f("ix_contact_confirmation_secret_hash"), "contact_confirmation", ["secret_hash"]
    )
    # Copied and dropped on SQLite: nothing refers to outbound messages.
    with op.batch_alter_table("outbound_message") as batch:
        batch.add_column(sa.Column("confirmation_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_outbound_message_confirmation_id_contact_confirmation"),
            "contact_confirmation",
            ["confirmation_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index(
            op.f("ix_outbound_message_confirmation_id"), ["confirmation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outbound_message") as batch:
        batch.drop_index(op.f("ix_outbound_message_confirmation_id"))
        batch.drop_constraint(
            op.f("fk_outbound_message_confirmation_id_contact_confirmation"), type_="foreignkey"
        )
        batch.drop_column("confirmation_id")
    op.drop_table("contact_confirmation")
    op.drop_column("contributor", "address_confirmed")
