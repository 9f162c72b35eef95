"""A fixed-window rate limit per (hashed) address, shared by every web process."""

from __future__ import annotations

import functools
from datetime import timedelta

from sqlalchemy import bindparam, case, update
from sqlalchemy.dialects import postgresql, sqlite

from intake.db import Executor, dialect_name
from intake.db.prepared import Prepared
from intake.hashing import keyed_hash
from intake.models import RateCounter, utcnow

_table = RateCounter.__table__


@functools.cache
def _count_hit(dialect: str) -> Prepared:
    # Built once: one statement that opens a window or counts in the current one.
    started = bindparam("now", type_=_table.c.window_start.type)
    fresh = _table.c.window_start > bindparam("cutoff", type_=_table.c.window_start.type)
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(_table)
    statement = (
        insert.values(key_hash=bindparam("key"), window_start=started, hits=1)
        .on_conflict_do_update(
            index_elements=[_table.c.key_hash],
            set_={
                "hits": case((fresh, _table.c.hits + 1), else_=1),
                "window_start": case((fresh, _table.c.window_start), else_=started),
            },
        )
        .returning(_table.c.hits)
    )
    return Prepared(statement)


def hit(session: Executor, secret: str, scope: str, address: str, window: int) -> int:
    """Count one hit for `address` in `scope`; return the hits in the current window."""
    now = utcnow()
    hits = _count_hit(dialect_name(session)).scalar(
        session,
        {
            "key": keyed_hash(secret, f"rate:{scope}", address),
            "now": now,
            "cutoff": now - timedelta(seconds=window),
        },
    )
    return int(hits)


def allow(
    session: Executor, secret: str, scope: str, address: str, limit: int, window: int
) -> bool:
    """Count one hit for `address` in `scope`; False once it exceeds `limit` per window."""
    return hit(session, secret, scope, address, window) <= limit


def refund(session: Executor, secret: str, scope: str, address: str) -> None:
    """Take back one hit for `address` in `scope` (what turned out well need not count)."""
    key = keyed_hash(secret, f"rate:{scope}", address)
    session.execute(
        update(_table)
        .where(_table.c.key_hash == key, _table.c.hits > 0)
        .values(hits=_table.c.hits - 1)
    )
