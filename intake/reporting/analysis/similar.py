"""Contributions that say much the same thing, to spot one resident's message sent twice."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intake.models import Contribution, TextRevision

if TYPE_CHECKING:
    from intake.reporting.analysis.vectors import Space

# Below this, what two contributions share is a common word or two, not a point.
MIN_SIMILAR = 0.25
# Consultations whose vectors stay in memory (a few MB per 10,000 contributions each).
CACHED = 4

_cache: OrderedDict[Hashable, Space] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class SimilarContribution:
    """Another contribution close to the one asked about, and how close (0 to 1)."""

    contribution_id: int
    reference: str
    channel: str
    language: str
    text: str
    score: float
    same_sender: bool


def _fingerprint(session: Session, consultation_id: int) -> Hashable:
    """Return what changes whenever the consultation's texts do: count, last id, lengths."""
    in_consultation = Contribution.consultation_id == consultation_id
    count, last, length = session.execute(
        select(
            func.count(Contribution.id),
            func.max(Contribution.id),
            func.coalesce(func.sum(func.length(Contribution.text)), 0),
        ).where(in_consultation)
    ).one()
    # A correction may keep the length ("hcel" → "heel"); it always leaves a revision.
    revised = session.scalar(
        select(func.max(TextRevision.id))
        .join(Contribution, Contribution.id == TextRevision.contribution_id)
        .where(in_consultation)
    )
    database = session.get_bind().url.render_as_string(hide_password=True)
    return (database, consultation_id, count, last, int(length), revised)


def _consultation_of(key: Hashable) -> Hashable:
    # (database, consultation): the part of a fingerprint that names the consultation.
    return key[:2] if isinstance(key, tuple) else key


def space_of(session: Session, consultation_id: int) -> Space:
    """Return the consultation's vectors (every status), built once per change of its texts."""
    key = _fingerprint(session, consultation_id)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    # scikit-learn takes seconds to import: only a process that compares texts pays for it
    # (an erasure, which only drops this cache, does not).
    from intake.reporting.analysis.vectors import build_space, documents

    space = build_space(documents(session, consultation_id, set_aside=()), pairs=True, floor=1)
    with _lock:
        # One entry per consultation: an older one may hold the words of an erased text.
        for old in [k for k in _cache if _consultation_of(k) == _consultation_of(key)]:
            del _cache[old]
        _cache[key] = space
        while len(_cache) > CACHED:
            _cache.popitem(last=False)
    return space


def forget(consultation_id: int) -> None:
    """Drop the cached vectors of a consultation (after an erasure, in this process)."""
    with _lock:
        for key in [k for k in _cache if isinstance(k, tuple) and k[1] == consultation_id]:
            del _cache[key]


class _Sent(Protocol):
    contributor_id: int | None
    author_name: str | None
    postcode: str | None


def _signature(sent: _Sent) -> tuple[str, str] | None:
    if not sent.author_name or not sent.postcode:
        return None
    name = " ".join(sent.author_name.casefold().split())
    return name, sent.postcode.replace(" ", "")


def _same_sender(one: _Sent, other: _Sent) -> bool:
    """Tell whether two contributions come from one resident: same address, or name + postcode."""
    if one.contributor_id is not None and one.contributor_id == other.contributor_id:
        return True
    mine = _signature(one)
    return mine is not None and mine == _signature(other)


def similar_to(session: Session, contribution_id: int, limit: int = 5) -> list[SimilarContribution]:
    """Return the contributions of the same consultation closest to this one, closest first."""
    contribution = session.get(Contribution, contribution_id)
    if contribution is None or contribution.consultation_id is None or limit < 1:
        return []
    space = space_of(session, contribution.consultation_id)
    row = space.row_of(contribution_id)
    if row is None:
        return []
    import numpy as np

    closeness = np.asarray((space.matrix @ space.matrix[row].T).todense()).ravel()
    closeness[row] = -1.0
    best = np.argsort(-closeness, kind="stable")[:limit]
    found = {
        space.ids[i]: float(min(closeness[i], 1.0)) for i in best if closeness[i] >= MIN_SIMILAR
    }
    if not found:
        return []
    others = session.execute(
        select(
            Contribution.id,
            Contribution.reference,
            Contribution.channel,
            Contribution.language,
            Contribution.text,
            Contribution.contributor_id,
            Contribution.author_name,
            Contribution.postcode,
        ).where(Contribution.id.in_(found))
    )
    by_id = {other.id: other for other in others}
    return [
        SimilarContribution(
            contribution_id=cid,
            reference=by_id[cid].reference,
            channel=by_id[cid].channel,
            language=by_id[cid].language,
            text=by_id[cid].text,
            score=round(score, 4),
            same_sender=_same_sender(contribution, by_id[cid]),
        )
        for cid, score in found.items()
        if cid in by_id
    ]
