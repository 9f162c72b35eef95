"""Alembic's entry: migrate through the engine the caller put in the config."""

from alembic import context

from intake.migrations import on_dialect
from intake.models import Base

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=on_dialect(connection.dialect.name),
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
