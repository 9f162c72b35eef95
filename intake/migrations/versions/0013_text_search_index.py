"""text search index: a trigram index for the staff search on PostgreSQL

The queue's search looks for each word anywhere in a contribution's text (`ILIKE '%word%'`).
PostgreSQL's pg_trgm extension indexes that; SQLite keeps scanning.

pg_trgm is a trusted extension (PostgreSQL 13 and later): the database's owner may create it.
Where the service's role may not, a superuser runs `CREATE EXTENSION pg_trgm;` in the
database once, and the upgrade goes on from there.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 17:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

EXTENSION = "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    bind = op.get_bind()
    # In `public`, outside the service's own schema: a backup of that schema then restores
    # into any database that has it (`inspraak restore` creates it there first).
    bind.execute(sa.text(EXTENSION))
    # Named with its schema: the extension may live outside the service's search path.
    schema = bind.scalar(
        sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
            " WHERE e.extname = 'pg_trgm'"
        )
    )
    opclass = f"{bind.dialect.identifier_preparer.quote(schema)}.gin_trgm_ops"
    op.execute(f"CREATE INDEX ix_contribution_text_trgm ON contribution USING gin (text {opclass})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_contribution_text_trgm", table_name="contribution")
