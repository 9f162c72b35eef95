"""A consultation with planted topics and resent texts, to check what the machine finds.

`plant_consultation(session)` adds a consultation of a few hundred contributions in Dutch,
French and English across channels (web, SMS, voice transcripts, paper OCR, Telegram), each
on one of six known topics, plus texts sent twice by the same person through another
channel, off-topic messages and texts too short to say anything. It returns which topic
each contribution was written on and which pairs are resent copies. Flushes, never commits.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from intake import consultations
from intake.models import Contribution, Contributor, utcnow
from intake.references import ALPHABET
from tests.support.corpus.compose import Draft, Phrases, draft, render, resend
from tests.support.corpus.en import ENGLISH
from tests.support.corpus.fr import FRENCH
from tests.support.corpus.nl import DUTCH

__all__ = ["TOPICS", "PlantedCorpus", "plant_consultation"]

TOPICS = ("trees", "cycling", "parking", "playground", "noise", "seniors")
PHRASES: Mapping[str, Phrases] = {"nl": DUTCH, "fr": FRENCH, "en": ENGLISH}
LANGUAGES = {"nl": 65, "fr": 20, "en": 15}
CHANNELS = {"web": 35, "telegram": 20, "sms": 15, "voice": 15, "paper": 15}
ORIGIN = {"voice": "transcribed", "paper": "ocr"}
ADDRESS_KIND = {"sms": "phone", "voice": "phone", "telegram": "telegram"}
FIRST = ("An", "Bart", "Els", "Jan", "Karin", "Luc", "Marie", "Nadia", "Pieter", "Sofie")
FIRST += ("Tom", "Yasmina", "Wim", "Hilde", "Koen", "Lotte", "Ahmed", "Fatima", "Sarah", "David")
LAST = ("Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens")
LAST += ("Wouters", "De Smet", "Dubois", "Lambert", "El Amrani", "Vermeulen", "Hermans", "Smith")
POSTCODES = ("9000", "9030", "9040", "9050", "2000", "2018", "3000", "3010", "8000", "1500")


@dataclass(frozen=True)
class PlantedCorpus:
    """What was planted: the topic of each contribution, and the resent pairs."""

    consultation_id: int
    slug: str
    # Contribution id → the topic it was written on (off-topic and empty ones are absent).
    topics: Mapping[int, str]
    # (first sent, resent copy): the same person, another channel, a few words changed.
    duplicates: tuple[tuple[int, int], ...]
    # Off-topic messages (status not_relevant) and texts too short to analyse.
    noise: tuple[int, ...] = field(default=())

    def of_topic(self, topic: str) -> list[int]:
        """Return the ids planted on `topic`."""
        return [i for i, t in self.topics.items() if t == topic]

    def purity(self, group_of: Mapping[int, int]) -> float:
        """Return the share of grouped planted contributions whose group's main topic is theirs."""
        topics: dict[int, Counter[str]] = defaultdict(Counter)
        for cid, topic in self.topics.items():
            if cid in group_of:
                topics[group_of[cid]][topic] += 1
        grouped = sum(sum(counts.values()) for counts in topics.values())
        right = sum(counts.most_common(1)[0][1] for counts in topics.values())
        return right / grouped if grouped else 0.0


@dataclass
class _Planned:
    row: dict[str, Any]
    topic: str | None = None
    sender: str | None = None  # key of the contributor row, shared by a resent copy
    draft: Draft | None = None
    copy_of: int | None = None  # index of the original in the plan


def _pick(rng: random.Random, weights: Mapping[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _row(rng: random.Random, channel: str, language: str, text: str, **extra: Any) -> dict:
    return {
        "channel": channel,
        "language": language,
        "text": text,
        "text_origin": ORIGIN.get(channel, "typed") if text else "none",
        "confidence": round(rng.uniform(0.7, 0.97), 2) if channel in ORIGIN else None,
        "status": rng.choices(("new", "in_review", "accepted"), weights=(7, 2, 2))[0],
        "answers": {},
        **extra,
    }


def _plan(rng: random.Random, size: int) -> list[_Planned]:
    copies, noise = size // 15, size // 30
    names = [f"{f} {last}" for f in FIRST for last in LAST]
    rng.shuffle(names)
    plan: list[_Planned] = []
    for n in range(size - copies - noise):
        language, channel = _pick(rng, LANGUAGES), _pick(rng, CHANNELS)
        topic = TOPICS[n % len(TOPICS)]
        text = draft(rng, PHRASES[language], topic)
        named = channel in ("web", "paper") and rng.random() < 0.6
        row = _row(rng, channel, language, render(rng, PHRASES[language], text, channel))
        row["author_name"] = (names.pop() if names else rng.choice(FIRST)) if named else None
        row["postcode"] = rng.choice(POSTCODES) if named or rng.random() < 0.4 else None
        plan.append(_Planned(row, topic, f"s{n}" if channel in ADDRESS_KIND else None, text))
    for index in rng.sample(range(len(plan)), copies):
        first = plan[index]
        language = first.row["language"]
        channel = rng.choice([c for c in CHANNELS if c != first.row["channel"]])
        first.row["author_name"] = first.row["author_name"] or (names.pop() if names else "Jo")
        first.row["postcode"] = first.row["postcode"] or rng.choice(POSTCODES)
        assert first.draft is not None
        text = render(rng, PHRASES[language], resend(rng, PHRASES[language], first.draft), channel)
        same_address = ADDRESS_KIND.get(channel) == ADDRESS_KIND.get(first.row["channel"])
        sender = first.sender if same_address and first.sender else None
        extra = {"author_name": first.row["author_name"], "postcode": first.row["postcode"]}
        row = _row(rng, channel, language, text, status="new", **extra)
        plan.append(_Planned(row, first.topic, sender or f"c{index}", copy_of=index))
    for n in range(noise):
        language = _pick(rng, LANGUAGES)
        if n % 2:
            text, status = rng.choice(PHRASES[language].off_topic), "not_relevant"
        else:
            text, status = rng.choice(PHRASES[language].short), "new"
        channel = "voice" if not text else rng.choice(("sms", "telegram", "web"))
        row = _row(rng, channel, language, text, status=status, needs_person=not text)
        plan.append(_Planned(row))
    return plan


def plant_consultation(
    session: Session, *, size: int = 360, seed: int = 7, slug: str = "planted"
) -> PlantedCorpus:
    """Add an open consultation `slug` with `size` planted contributions; flush, no commit.

    Of every 30 contributions, two are resent copies and one is noise (off-topic or too short).
    """
    rng = random.Random(seed)
    consultation = consultations.save(
        session,
        {
            "slug": slug,
            "status": "open",
            "texts": {
                "nl": {"title": "Onze buurt", "question": "Wat moet er beter in de buurt?"},
                "fr": {"title": "Notre quartier", "question": "Que faut-il améliorer ?"},
                "en": {"title": "Our neighbourhood", "question": "What should improve?"},
            },
        },
    )
    session.flush()
    plan = _plan(rng, size)
    senders = sorted({p.sender for p in plan if p.sender and p.row["channel"] in ADDRESS_KIND})
    contributor_ids = _insert_contributors(session, plan, senders, rng)
    refs = random.Random(f"{seed}-{consultation.id}")
    taken: set[str] = set()
    now = utcnow()
    for n, planned in enumerate(plan):
        reference = ""
        while not reference or reference in taken:
            raw = "".join(refs.choice(ALPHABET) for _ in range(6))
            reference = f"{raw[:3]}-{raw[3:]}"
        taken.add(reference)
        if planned.copy_of is None:
            received = now - timedelta(minutes=rng.randrange(60, 30 * 24 * 60))
        else:
            received = plan[planned.copy_of].row["received_at"] + timedelta(
                hours=rng.randrange(1, 48)
            )
        planned.row.update(
            reference=reference,
            consultation_id=consultation.id,
            channel_message_id=f"planted-{consultation.id}-{n}",
            received_at=received,
            contributor_id=contributor_ids.get(planned.sender or ""),
        )
    statement = insert(Contribution).returning(Contribution.id, sort_by_parameter_order=True)
    ids = session.scalars(statement, [p.row for p in plan]).all() if plan else []
    return PlantedCorpus(
        consultation_id=consultation.id,
        slug=slug,
        topics={i: p.topic for i, p in zip(ids, plan, strict=True) if p.topic},
        duplicates=tuple(
            (ids[p.copy_of], i) for i, p in zip(ids, plan, strict=True) if p.copy_of is not None
        ),
        noise=tuple(i for i, p in zip(ids, plan, strict=True) if p.topic is None),
    )


def _insert_contributors(
    session: Session, plan: list[_Planned], senders: list[str], rng: random.Random
) -> dict[str, int]:
    if not senders:
        return {}
    kinds = {p.sender: ADDRESS_KIND[p.row["channel"]] for p in plan if p.sender in senders}
    languages = {p.sender: p.row["language"] for p in plan if p.sender in senders}
    rows = [
        {
            "address_kind": kinds[key],
            "address_hash": f"{rng.getrandbits(128):032x}",
            "preferred_language": languages[key],
        }
        for key in senders
    ]
    ids = session.scalars(
        insert(Contributor).returning(Contributor.id, sort_by_parameter_order=True), rows
    ).all()
    return dict(zip(senders, ids, strict=True))
