"""Themes and look-alikes on planted consultations, beside plain TF-IDF of the same texts.

Plants 1,000 and 10,000 contributions (tests/support/corpus: six topics, three languages,
five channels, resent copies) on SQLite and on PostgreSQL (127.0.0.1:5432, database `test`,
a private schema), then times `compute_themes`, a recompute, and `similar_to` (first call,
which builds the vectors, and a cached call). The baseline, measured in the same run, is
scikit-learn's TfidfVectorizer with its defaults on the same texts.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer
from sqlalchemy import create_engine, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from intake.migrations import upgrade  # noqa: E402
from intake.models import Contribution, ContributionTheme  # noqa: E402
from intake.reporting.analysis.similar import similar_to  # noqa: E402
from intake.reporting.analysis.text import forget_words  # noqa: E402
from intake.reporting.analysis.themes import compute_themes  # noqa: E402
from intake.runtime import Runtime  # noqa: E402
from tests.conftest import make_settings  # noqa: E402
from tests.support.corpus import plant_consultation  # noqa: E402

SIZES, RUNS = (1_000, 10_000), 15
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SCHEMA = "bench_themes"


def seconds(work: Callable[[], object]) -> float:
    """Run `work` once and return how long it took."""
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def median_ms(work: Callable[[], object]) -> float:
    """Run `work` RUNS times and return the median in milliseconds."""
    return statistics.median(seconds(work) * 1000 for _ in range(RUNS))


def measure(name: str, runtime: Runtime, size: int) -> None:
    """Plant `size` contributions, then time the baseline, themes and look-alikes."""
    upgrade(runtime.db.engine)
    with runtime.db.session() as session:
        started = time.perf_counter()
        corpus = plant_consultation(session, size=size)
        session.commit()
    planted = corpus.consultation_id
    print(f"\n{name}: {size:,} contributions planted in {time.perf_counter() - started:.1f} s")
    with runtime.db.session() as session:
        texts = list(session.scalars(select(Contribution.text)))
        baseline = seconds(lambda: TfidfVectorizer().fit_transform(texts))
        print(f"  baseline: TF-IDF of the texts     {baseline:8.2f} s")
        run = compute_themes(session, planted)
        session.commit()
        ratio = run.seconds / baseline
        print(f"  compute_themes                    {run.seconds:8.2f} s   ({ratio:.0f}× baseline)")
        groups = dict(
            session.execute(
                select(ContributionTheme.contribution_id, ContributionTheme.theme_id)
            ).all()
        )
        print(
            f"    {run.themes} themes, {run.assigned:,} contributions in a theme, "
            f"purity {corpus.purity(groups):.3f}"
        )
        again = compute_themes(session, planted)
        session.commit()
        print(f"  compute_themes again              {again.seconds:8.2f} s")
        if size < max(SIZES):
            return
        asked = session.scalar(select(ContributionTheme.contribution_id).limit(1))
        assert asked is not None
        forget_words()
        first = seconds(lambda: similar_to(session, asked))
        print(f"  similar_to, first (cold, builds)  {first:8.2f} s   ({first / baseline:.0f}×)")
        cached = median_ms(lambda: similar_to(session, asked))
        print(f"  similar_to, cached                {cached:8.1f} ms")
        lookups = [
            (expected, [hit.contribution_id for hit in similar_to(session, asked_id)])
            for first_sent, resent in corpus.duplicates[:100]
            for asked_id, expected in ((resent, first_sent), (first_sent, resent))
        ]
        first_hit = sum(bool(hits) and hits[0] == expected for expected, hits in lookups)
        shown = sum(expected in hits for expected, hits in lookups)
        print(
            f"    resent copy first in {first_hit} of {len(lookups)} lookups, "
            f"among the 5 shown in {shown}"
        )


def main() -> None:
    """Measure on SQLite, then on PostgreSQL when it answers."""
    for size in SIZES:
        with tempfile.TemporaryDirectory() as folder:
            runtime = Runtime.start(make_settings(Path(folder)))
            measure("SQLite", runtime, size)
            runtime.db.dispose()
    try:
        admin = create_engine(POSTGRES, connect_args={"connect_timeout": 3})
        with admin.connect():
            pass
    except Exception as error:  # noqa: BLE001 - no server means no PostgreSQL figures
        print(f"\nPostgreSQL skipped: {type(error).__name__}")
        return
    for size in SIZES:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
        try:
            with tempfile.TemporaryDirectory() as folder:
                url = f"{POSTGRES}?options=-csearch_path%3D{SCHEMA}"
                runtime = Runtime.start(make_settings(Path(folder), url))
                measure("PostgreSQL", runtime, size)
                runtime.db.dispose()
        finally:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {SCHEMA} CASCADE"))
    admin.dispose()


if __name__ == "__main__":
    main()
