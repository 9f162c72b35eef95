"""Many contributions at once, with bulk Core inserts (for queue tests and the benchmark)."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import Engine, insert, literal, select

from intake.models import Contribution, ContributionTag, Tag, utcnow

CHANNELS = ("web", "sms", "voice", "telegram", "paper", "assisted")
LANGUAGES = ("nl", "nl", "nl", "fr", "en")
STATUSES = ("new", "new", "in_review", "accepted", "not_relevant", "duplicate")
WORDS = (
    "park",
    "bomen",
    "bankjes",
    "speeltuin",
    "fietspad",
    "verlichting",
    "honden",
    "wandelpad",
    "water",
    "schaduw",
    "parking",
    "bus",
    "tram",
    "markt",
    "school",
    "veilig",
    "groen",
    "lawaai",
    "kinderen",
    "senioren",
    "toilet",
    "vuilbak",
    "arbres",
    "bancs",
    "parc",
    "vélo",
    "enfants",
    "trees",
    "benches",
    "playground",
    "bike",
    "quiet",
)
BATCH = 5000
TABLE = Contribution.__table__


def generate(engine: Engine, consultation_id: int, count: int, *, seed: int = 7) -> None:
    """Insert `count` contributions spread over 120 days, one in a hundred tagged "bomen"."""
    rng = random.Random(seed)
    now = utcnow()
    texts = [" ".join(rng.choices(WORDS, k=rng.randrange(4, 40))) for _ in range(997)]
    moments = sorted(rng.randrange(120 * 86400) for _ in range(count))
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA cache_size=-262144")
        tag_id = conn.execute(insert(Tag).values(name="bomen").returning(Tag.id)).scalar_one()
        for start in range(0, count, BATCH):
            rows = [
                {
                    "reference": f"Q{n:07d}",
                    "consultation_id": consultation_id,
                    "channel": rng.choice(CHANNELS),
                    "channel_message_id": f"bulk-{n}",
                    "received_at": now - timedelta(seconds=moments[n]),
                    "language": rng.choice(LANGUAGES),
                    "status": rng.choice(STATUSES),
                    "needs_person": rng.random() < 0.03,
                    "text": texts[n % len(texts)],
                    "text_origin": "typed",
                    "answers": {},
                }
                for n in range(start, min(count, start + BATCH))
            ]
            conn.execute(TABLE.insert(), rows)
        some = select(TABLE.c.id, literal(tag_id)).where(
            TABLE.c.channel_message_id.like("bulk-%"), TABLE.c.id % 100 == 0
        )
        conn.execute(insert(ContributionTag).from_select(["contribution_id", "tag_id"], some))
