"""Consultation services: create, open, close, and load from a TOML file."""

from __future__ import annotations

import re
import time
import tomllib
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake import questions
from intake.db import Executor
from intake.i18n import LANGUAGES
from intake.models import Consultation, ConsultationStatus, ConsultationText, Tenant
from intake.models.tenant import DEFAULT_RETENTION_DAYS
from intake.tenancy import current_tenant_id

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
CACHE_SECONDS = 5.0
_cache: dict[str, tuple[float, Consultation | None]] = {}
_listed: list[tuple[float, list[str]]] = []  # at most one entry: when, and the slugs


class ConsultationError(Exception):
    """A consultation cannot be created or changed as asked; the message says why."""


def normalise_keyword(keyword: str) -> str:
    """Uppercase a keyword and strip accents, as residents type it on any phone."""
    decomposed = unicodedata.normalize("NFKD", keyword.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def find(session: Session, slug: str) -> Consultation:
    """Return the consultation with `slug`, or raise ConsultationError."""
    consultation = session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        raise ConsultationError(f"no consultation with slug {slug!r}")
    return consultation


@contextmanager
def _orm(db: Executor) -> Iterator[Session]:
    # On a Core connection, a short session: it ends the transaction it began (and joins,
    # leaving it open, one the connection was in).
    if isinstance(db, Session):
        yield db
    else:
        with Session(bind=db) as session:
            yield session


def lookup(db: Executor, slug: str) -> Consultation | None:
    """Return the consultation with `slug` as a read-only copy, cached for a few seconds.

    Every form view and post needs it; another process's change shows within
    CACHE_SECONDS, this process's own changes at once.
    """
    hit = _cache.get(slug)
    if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    with _orm(db) as session:
        consultation = session.scalar(select(Consultation).where(Consultation.slug == slug))
        if consultation is not None:
            session.expunge(consultation)
    _cache[slug] = (time.monotonic(), consultation)
    return consultation


def listed(db: Executor) -> list[Consultation]:
    """Return every consultation residents may hear of (all but drafts), oldest first.

    Cached like `lookup`: every incoming text message is routed among them.
    """
    if not _listed or time.monotonic() - _listed[0][0] >= CACHE_SECONDS:
        query = select(Consultation.slug).where(Consultation.status != ConsultationStatus.DRAFT)
        with _orm(db) as session:
            slugs = list(session.scalars(query.order_by(Consultation.id)))
        _listed[:] = [(time.monotonic(), slugs)]
    found = (lookup(db, slug) for slug in _listed[0][1])
    return [c for c in found if c is not None]


def open_now(session: Session) -> list[Consultation]:
    """Return the consultations residents can answer right now, oldest first."""
    query = select(Consultation).where(Consultation.status == ConsultationStatus.OPEN)
    return [c for c in session.scalars(query.order_by(Consultation.id)) if c.is_open()]


def forget_cached() -> None:
    """Drop cached consultations (and their questions) after a change."""
    _cache.clear()
    _listed.clear()
    questions.forget_cached()


def _datetime(value: Any, field: str) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value))
        except ValueError:
            raise ConsultationError(f"{field} must be a date like 2026-03-01") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _own_retention(session: Session) -> int:
    """Return the municipality's retention: a consultation's when it names none."""
    tenant = session.get(Tenant, current_tenant_id())
    return tenant.retention_days if tenant is not None else DEFAULT_RETENTION_DAYS


def save(session: Session, data: Mapping[str, Any]) -> Consultation:
    """Create or update a consultation from plain data (as in the TOML file); flush only."""
    slug = str(data.get("slug", ""))
    if not SLUG.match(slug):
        raise ConsultationError("slug must be lowercase letters, digits and dashes")
    texts = data.get("texts") or {}
    unknown = set(texts) - set(LANGUAGES)
    if unknown:
        raise ConsultationError(f"texts in unknown languages: {', '.join(sorted(unknown))}")
    if "nl" not in texts:
        raise ConsultationError("a consultation needs at least its Dutch texts ([texts.nl])")
    status = str(data.get("status", ConsultationStatus.DRAFT))
    if status not in set(ConsultationStatus):
        raise ConsultationError("status must be draft, open or closed")
    digit = data.get("phone_digit")
    if digit is not None and (not str(digit).isdigit() or len(str(digit)) != 1):
        raise ConsultationError("phone_digit must be a single digit")
    consultation = session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        consultation = Consultation(slug=slug)
        session.add(consultation)
    keyword = data.get("sms_keyword")
    consultation.sms_keyword = normalise_keyword(keyword) if keyword else None
    consultation.phone_digit = str(digit) if digit is not None else None
    consultation.status = status
    consultation.opens_at = _datetime(data.get("opens_at"), "opens_at")
    consultation.closes_at = _datetime(data.get("closes_at"), "closes_at")
    if "retention_days" in data or consultation.id is None:
        consultation.retention_days = int(data.get("retention_days") or _own_retention(session))
    by_language = {t.language: t for t in consultation.texts}
    for language, fields in texts.items():
        if not fields.get("title") or not fields.get("question"):
            raise ConsultationError(f"[texts.{language}] needs a title and a question")
        text = by_language.get(language) or ConsultationText(language=language)
        text.title = fields["title"]
        text.question = fields["question"]
        text.description = fields.get("description", "")
        if language not in by_language:
            consultation.texts.append(text)
    _check_unique(session, consultation)
    session.flush()
    if "questions" in data:
        try:
            questions.save(session, consultation, data["questions"] or [])
        except questions.QuestionError as error:
            raise ConsultationError(str(error)) from None
    forget_cached()
    return consultation


def _check_unique(session: Session, consultation: Consultation) -> None:
    for column, value in (
        (Consultation.sms_keyword, consultation.sms_keyword),
        (Consultation.phone_digit, consultation.phone_digit),
    ):
        if value is None:
            continue
        with session.no_autoflush:
            other = session.scalar(
                select(Consultation.slug).where(
                    column == value, Consultation.slug != consultation.slug
                )
            )
        if other:
            raise ConsultationError(f"{column.key} {value!r} is already used by {other!r}")


def load_toml(session: Session, path: Path) -> list[Consultation]:
    """Create or update every consultation described in a TOML file."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConsultationError(f"{path}: {error}") from None
    entries = document.get("consultation")
    if isinstance(entries, dict):
        entries = [entries]
    if not entries:
        raise ConsultationError(f"{path}: no [[consultation]] table")
    return [save(session, entry) for entry in entries]


def set_status(session: Session, slug: str, status: ConsultationStatus) -> Consultation:
    """Open or close a consultation."""
    consultation = find(session, slug)
    consultation.status = status
    session.flush()
    forget_cached()
    return consultation


DEMO = {
    "slug": "demo",
    "status": "open",
    "sms_keyword": "DEMO",
    "phone_digit": "1",
    "retention_days": 365,
    "texts": {
        "nl": {
            "title": "Een nieuw park aan de Schelde",
            "question": "Wat wilt u graag in het nieuwe park aan de Schelde?",
            "description": "De gemeente legt een park aan op de oude werf. Zeg ons wat u "
            "er graag zou zien: bankjes, speeltuin, bomen, een hondenweide …",
        },
        "fr": {
            "title": "Un nouveau parc au bord de l'Escaut",
            "question": "Que souhaitez-vous trouver dans le nouveau parc au bord de l'Escaut ?",
            "description": "La commune aménage un parc sur l'ancien chantier. Dites-nous ce "
            "que vous aimeriez y voir : bancs, aire de jeux, arbres, espace pour chiens …",
        },
        "en": {
            "title": "A new park by the Scheldt",
            "question": "What would you like in the new park by the Scheldt?",
            "description": "The municipality is laying out a park on the old shipyard. Tell "
            "us what you would like to see there: benches, a playground, trees, a dog park …",
        },
    },
}


def seed_demo(session: Session) -> Consultation:
    """Create the demo consultation, or leave it as it is when it exists."""
    existing = session.scalar(select(Consultation).where(Consultation.slug == "demo"))
    return existing or save(session, DEMO)
