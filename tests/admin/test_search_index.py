"""On PostgreSQL the staff search is answered from a trigram index, not by reading every row."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, text

from admin.queue import search_condition
from intake.consultations import seed_demo
from intake.migrations import upgrade
from intake.models import Contribution
from intake.runtime import Runtime
from tests.admin.bulk import generate
from tests.conftest import make_settings


def test_a_search_on_postgresql_finds_words_in_any_case_through_the_trigram_index(
    postgres_schema_url: str, tmp_path: Path
) -> None:
    runtime = Runtime.start(make_settings(tmp_path / "data", postgres_schema_url))
    upgrade(runtime.db.engine)
    with runtime.db.session() as session:
        consultation_id = seed_demo(session).id
        session.commit()
    generate(runtime.db.engine, consultation_id, 20_000)
    with runtime.db.engine.begin() as conn:
        rare = conn.execute(
            text(
                "UPDATE contribution SET text = text || ' Een boomhut bij de vijver.'"
                " WHERE id % 4000 = 7 RETURNING id"
            )
        ).scalars()
        marked = set(rare)
        conn.execute(text("ANALYZE contribution"))
    query = (
        select(Contribution.id)
        .where(search_condition("BOOMHUT vijver", "postgresql"))
        .order_by(Contribution.received_at.desc())
        .limit(50)
    )
    with runtime.db.engine.connect() as conn:
        found = set(conn.execute(query).scalars())
        compiled = query.compile(conn)
        plan = "\n".join(
            conn.exec_driver_sql("EXPLAIN " + compiled.string, compiled.params).scalars()
        )
    runtime.db.dispose()
    assert found == marked and len(marked) == 5
    assert "ix_contribution_text_trgm" in plan
