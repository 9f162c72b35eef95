"""A consultation with results: themes staff confirmed, published quotes, decisions, secrets.

`plant_results(session)` builds on the planted corpus (a few hundred contributions in three
languages across channels) and adds what staff do before results go public: resent copies
marked duplicate, six confirmed themes and one only suggested, quotes allowed with and
without a shortened version, striking texts left unpublished, phone numbers kept for
replies, and three decisions. It returns what the page must show and must never show.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from intake.models import (
    Contribution,
    ContributionTheme,
    Contributor,
    Decision,
    ReviewState,
    Theme,
)
from intake.reporting.results import shorten
from tests.support.corpus import TOPICS, plant_consultation

LABELS = {
    "trees": {"nl": "Bomen en schaduw", "fr": "Arbres et ombre", "en": "Trees and shade"},
    "cycling": {"nl": "Veilig fietsen", "fr": "Vélo en sécurité", "en": "Safe cycling"},
    "parking": {"nl": "Parkeren", "fr": "Stationnement", "en": "Parking"},
    "playground": {"nl": "Spelen", "fr": "Jeux pour enfants", "en": "Play"},
    "noise": {"nl": "Nachtlawaai", "fr": "Bruit nocturne", "en": "Night noise"},
    "seniors": {"nl": "Ouderen", "fr": "Aînés", "en": "Older people"},
}
SUGGESTED = "Voorstel van de machine"
DECISIONS = (
    (
        date(2026, 5, 4),
        {
            "nl": {
                "title": "Zestig nieuwe bomen",
                "body": "De gemeente plant in het najaar\n"
                "zestig bomen in het park en langs de Kerkstraat.",
            },
            "fr": {
                "title": "Soixante nouveaux arbres",
                "body": "La commune plante soixante arbres cet automne.",
            },
            "en": {"title": "Sixty new trees", "body": "The municipality plants sixty trees."},
        },
    ),
    (
        date(2026, 6, 15),
        {
            "nl": {"title": "Fietsstraat in de Schoolstraat", "body": "Vanaf september."},
            "fr": {"title": "Rue cyclable dans la Schoolstraat", "body": "Dès septembre."},
            "en": {"title": "Cycle street on Schoolstraat", "body": "From September."},
        },
    ),
    (
        date(2026, 3, 2),
        {"nl": {"title": "Eerste antwoord van het college", "body": "Bedankt aan iedereen."}},
    ),
)
SECRET_TEXT = "ONGEPUBLICEERD: mijn buurman Jef Vermeulen op nummer 12 maakt lawaai"
SECRET_PHONE = "+32470998877"


@dataclass
class Planted:
    """What the results page of the planted consultation must and must not show."""

    slug: str
    consultation_id: int
    per_channel: dict[str, int]
    per_language: dict[str, int]
    theme_counts: dict[str, int]
    duplicates: int
    # Quote → the topic it is shown under (None: the general section).
    quotes: dict[str, str | None] = field(default_factory=dict)
    unpublished: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    postcodes: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)


def _state(session: Session, contribution_id: int, **values: object) -> None:
    state = session.get(ReviewState, contribution_id)
    if state is None:
        session.add(ReviewState(contribution_id=contribution_id, **values))
    else:
        for key, value in values.items():
            setattr(state, key, value)


def plant_results(session: Session, *, slug: str = "buurt", size: int = 300) -> Planted:
    """Plant the consultation and everything staff add to it; flush, no commit."""
    rng = random.Random(11)
    corpus = plant_consultation(session, size=size, slug=slug)
    copies = {copy for _first, copy in corpus.duplicates}
    for first, copy in corpus.duplicates:
        session.add(ReviewState(contribution_id=copy, duplicate_of_id=first))
    if copies:
        session.execute(
            update(Contribution).where(Contribution.id.in_(copies)).values(status="duplicate")
        )
    themes = {}
    for topic in TOPICS:
        themes[topic] = Theme(
            consultation_id=corpus.consultation_id,
            status="confirmed",
            labels=LABELS[topic],
            top_terms=[topic],
        )
    suggested = Theme(
        consultation_id=corpus.consultation_id,
        status="suggested",
        labels={"nl": SUGGESTED},
        top_terms=["ruis"],
    )
    session.add_all([*themes.values(), suggested])
    session.flush()
    links = [
        {"contribution_id": i, "theme_id": themes[topic].id, "score": rng.random()}
        for i, topic in corpus.topics.items()
    ]
    links += [{"contribution_id": i, "theme_id": suggested.id} for i in corpus.noise]
    session.execute(insert(ContributionTheme), links)

    rows = {
        c.id: c
        for c in session.scalars(
            select(Contribution).where(Contribution.consultation_id == corpus.consultation_id)
        )
    }
    quotes: dict[str, str | None] = {}
    published: set[int] = set()
    for topic in TOPICS:
        members = sorted(i for i in corpus.of_topic(topic) if i not in copies and rows[i].text)
        for n, contribution_id in enumerate(rng.sample(members, 3)):
            quote = f"Citaat {n} over {LABELS[topic]['nl'].lower()}" if n < 2 else None
            _state(session, contribution_id, publishable=True, public_quote=quote)
            quotes[quote or shorten(rows[contribution_id].text)] = topic
            published.add(contribution_id)
    # Allowed, but resent copies: duplicates are never shown.
    for n, copy in enumerate(sorted(copies)[:4]):
        _state(session, copy, publishable=True, public_quote=f"Dubbel citaat {n}")
    for contribution_id in [i for i in corpus.noise if rows[i].text][:2]:
        _state(session, contribution_id, publishable=True)
        quotes[shorten(rows[contribution_id].text)] = None
        published.add(contribution_id)
    # Striking words nobody allowed to publish, and an address kept only for replies.
    secret = next(i for i in corpus.of_topic("noise") if i not in published and i not in copies)
    rows[secret].text = f"{SECRET_TEXT}, bel me op {SECRET_PHONE}."
    rows[secret].author_name = "Jef Vermeulen"
    phones = [SECRET_PHONE]
    for n, contributor in enumerate(session.scalars(select(Contributor)).all()):
        contributor.address = f"+3247{n:07d}"
        phones.append(contributor.address)
    for decided_on, texts in DECISIONS:
        session.add(
            Decision(consultation_id=corpus.consultation_id, decided_on=decided_on, texts=texts)
        )
    session.flush()

    counted = [c for c in rows.values() if c.status != "duplicate"]
    per_channel: dict[str, int] = {}
    per_language: dict[str, int] = {}
    for c in counted:
        per_channel[c.channel] = per_channel.get(c.channel, 0) + 1
        per_language[c.language] = per_language.get(c.language, 0) + 1
    theme_counts = {
        topic: len([i for i in corpus.of_topic(topic) if i not in copies]) for topic in TOPICS
    }
    return Planted(
        slug=slug,
        consultation_id=corpus.consultation_id,
        per_channel=per_channel,
        per_language=per_language,
        theme_counts=theme_counts,
        duplicates=len(copies),
        quotes=quotes,
        # Texts long enough to be somebody's own words ("ok" is on every page).
        unpublished=[c.text for c in rows.values() if c.id not in published and len(c.text) > 20],
        names=sorted({c.author_name for c in rows.values() if c.author_name}),
        postcodes=sorted({c.postcode for c in rows.values() if c.postcode}),
        references=[c.reference for c in rows.values()],
        phones=phones,
    )
