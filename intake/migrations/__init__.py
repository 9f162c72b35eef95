"""Alembic owns the schema: run `upgrade()` (or `inspraak db upgrade`) to create or migrate it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def on_dialect(dialect: str) -> Callable[..., bool]:
    """Return Alembic's `include_object` that leaves out what another dialect alone creates.

    An index marked `.ddl_if(dialect="postgresql")` is not expected on SQLite.
    """

    def include(thing: Any, name: str | None, kind: str, reflected: bool, other: Any) -> bool:
        only = getattr(getattr(thing, "_ddl_if", None), "dialect", None)
        if reflected or only is None:
            return True
        return dialect in ((only,) if isinstance(only, str) else tuple(only))

    return include


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or migrate the schema up to `revision`."""
    command.upgrade(alembic_config(engine), revision)
