"""Alembic owns the schema: run `upgrade()` (or `inspraak db upgrade`) to create or migrate it."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

HERE = Path(__file__).resolve().parent


def alembic_config(engine: Engine) -> Config:
    """Build an Alembic config that migrates through `engine`."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or migrate the schema up to `revision`."""
    command.upgrade(alembic_config(engine), revision)
