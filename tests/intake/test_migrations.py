"""Every Alembic revision upgrades an empty database, and the result matches the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from intake.db import make_engine
from intake.migrations import alembic_config, on_dialect, upgrade
from intake.models import Base


def test_each_revision_upgrades_an_empty_database_in_turn(database_url: str) -> None:
    engine = make_engine(database_url)
    revisions = list(ScriptDirectory.from_config(alembic_config(engine)).walk_revisions())
    assert revisions, "no migrations found"
    for script in reversed(revisions):  # oldest first
        upgrade(engine, script.revision)
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == script.revision
    engine.dispose()


def test_the_migrated_schema_is_the_models_schema(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    with engine.connect() as conn:
        options = {"compare_type": True, "include_object": on_dialect(conn.dialect.name)}
        context = MigrationContext.configure(conn, opts=options)
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_upgrading_twice_changes_nothing(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    upgrade(engine)
    engine.dispose()
