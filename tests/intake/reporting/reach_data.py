"""Consultations with a known mix of contributions for the reach report, inserted in bulk."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from intake.models import Consultation, ConsultationText, Contribution
from intake.runtime import Runtime

CHANNELS = ("web", "web", "web", "sms", "whatsapp", "voice", "telegram", "paper", "assisted")
LANGUAGES = ("nl", "nl", "nl", "fr", "en")
# As residents gave them: common areas, missing and unreadable ones.
COMMON = ("9000", "9000", "9000", "1000", "1000", "2000", " 9050 ", None, "90", "abcd")
# Areas with too few contributions to show: two of 8500, one of 3000 (never duplicates).
RARE = ("8500", "8500", "3000")
START = datetime(2024, 1, 1, 6, tzinfo=UTC)  # a Monday
# Instants around week boundaries in Brussels time, with the ISO week they belong to there.
BOUNDARIES = (
    (datetime(2024, 1, 7, 22, 30, tzinfo=UTC), "2024-W01"),  # Sunday 23:30 (UTC+1)
    (datetime(2024, 1, 7, 23, 30, tzinfo=UTC), "2024-W02"),  # Monday 00:30, Sunday in UTC
    (datetime(2024, 6, 30, 21, 59, tzinfo=UTC), "2024-W26"),  # Sunday 23:59 (UTC+2)
    (datetime(2024, 6, 30, 22, 10, tzinfo=UTC), "2024-W27"),  # Monday 00:10, Sunday in UTC
    (datetime(2024, 12, 29, 23, 30, tzinfo=UTC), "2025-W01"),  # Monday 30 December
)


def add_consultation(runtime: Runtime, slug: str, title: str) -> int:
    """Create an open consultation with a Dutch title; return its id."""
    with runtime.db.session() as session:
        consultation = Consultation(slug=slug, status="open")
        consultation.texts.append(ConsultationText(language="nl", title=title, question="?"))
        session.add(consultation)
        session.commit()
        return consultation.id


def rows(consultation_id: int, count: int, *, seed: int) -> list[dict[str, Any]]:
    """Make `count` contributions over ten weeks; every 13th (but the rare ones) a duplicate."""
    rng = random.Random(seed)
    made = []
    for n in range(count):
        rare = n < len(RARE)
        made.append(
            {
                "reference": f"R{seed}{n:05d}",
                "consultation_id": consultation_id,
                "channel": rng.choice(CHANNELS),
                "channel_message_id": f"reach-{seed}-{n}",
                "received_at": START + timedelta(minutes=rng.randrange(70 * 24 * 60)),
                "language": rng.choice(LANGUAGES),
                "status": "duplicate" if n % 13 == 12 and not rare else "new",
                "text": "meer bomen",
                "text_origin": "typed",
                "answers": {},
                "postcode": RARE[n] if rare else COMMON[n % len(COMMON)],
            }
        )
    return made


def boundary_rows(consultation_id: int, prefix: str = "B") -> list[dict[str, Any]]:
    """Make one web contribution at each instant of BOUNDARIES."""
    return [
        {
            "reference": f"{prefix}{n:05d}",
            "consultation_id": consultation_id,
            "channel": "web",
            "channel_message_id": f"{prefix}-{n}",
            "received_at": moment,
            "language": "nl",
            "status": "new",
            "text": "grens",
            "text_origin": "typed",
            "answers": {},
            "postcode": "9000",
        }
        for n, (moment, _week) in enumerate(BOUNDARIES)
    ]


def insert(engine: Engine, made: list[dict[str, Any]]) -> None:
    """Insert contributions with one bulk Core insert."""
    with engine.begin() as conn:
        conn.execute(Contribution.__table__.insert(), made)


def populate(runtime: Runtime) -> dict[str, Any]:
    """Add two consultations of 240 and 120 contributions; return their ids and rows."""
    first = add_consultation(runtime, "parkplan", "Het nieuwe park")
    second = add_consultation(runtime, "mobiliteit", "Mobiliteit in het centrum")
    made = {first: rows(first, 240, seed=1), second: rows(second, 120, seed=2)}
    for generated in made.values():
        insert(runtime.db.engine, generated)
    return {"first": first, "second": second, "rows": made}
