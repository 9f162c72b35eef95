"""A consultation's contributions as TF-IDF vectors of their analysed terms."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.models import Contribution, ContributionStatus
from intake.reporting.analysis.text import analyse_with_surfaces

# Staff set these aside: they say nothing about the consultation's topics.
SET_ASIDE = (ContributionStatus.NOT_RELEVANT, ContributionStatus.DUPLICATE)


@dataclass(frozen=True)
class Document:
    """One contribution's text and language, as the analysis reads it."""

    id: int
    language: str
    text: str


@dataclass(frozen=True)
class Space:
    """Contributions that have telling words, as L2-normalised TF-IDF rows."""

    ids: list[int]
    matrix: sparse.csr_matrix
    terms: list[str]
    # Term → the word residents wrote most often for it ("bomen" rather than "boom").
    surfaces: dict[str, str]
    index: dict[int, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Frozen, so the contribution id → row index is set once, here.
        object.__setattr__(self, "index", {cid: row for row, cid in enumerate(self.ids)})

    def row_of(self, contribution_id: int) -> int | None:
        """Return the matrix row of a contribution, None when it has no telling words."""
        return self.index.get(contribution_id)

    def rows_of(self, contribution_ids: Iterable[int]) -> list[int]:
        """Return the rows of those contributions that have one, in the order given."""
        rows = (self.row_of(cid) for cid in contribution_ids)
        return [row for row in rows if row is not None]


def documents(
    session: Session, consultation_id: int, *, set_aside: Sequence[str] = SET_ASIDE
) -> list[Document]:
    """Return the consultation's contributions with a text, by id, leaving out `set_aside`."""
    query = (
        select(Contribution.id, Contribution.language, Contribution.text)
        .where(Contribution.consultation_id == consultation_id, Contribution.text != "")
        .order_by(Contribution.id)
    )
    if set_aside:
        query = query.where(Contribution.status.not_in(set_aside))
    return [Document(row.id, row.language, row.text) for row in session.execute(query)]


def min_df(count: int) -> int:
    """Return how many contributions must share a term before it counts."""
    # In a small consultation every shared word matters; in a large one, a word two
    # people used is more likely a slip than a topic.
    return 1 if count < 100 else 2 if count < 1000 else 3


def _tokens(terms: list[str]) -> list[str]:
    return terms


def _with_pairs(terms: list[str]) -> list[str]:
    return terms + [f"{a} {b}" for a, b in zip(terms, terms[1:], strict=False)]


def build_space(
    docs: Sequence[Document], *, pairs: bool = False, floor: int | None = None
) -> Space:
    """Analyse `docs` and weigh their terms; `pairs` adds neighbouring terms (for look-alikes)."""
    analysed = [analyse_with_surfaces(doc.text, doc.language) for doc in docs]
    written: dict[str, Counter[str]] = defaultdict(Counter)
    for pairs_of_doc in analysed:
        for found, word in pairs_of_doc:
            written[found][word] += 1
    term_lists = [[found for found, _ in doc] for doc in analysed]
    kept = [i for i, terms in enumerate(term_lists) if terms]
    empty = Space([], sparse.csr_matrix((0, 0)), [], {})
    if not kept:
        return empty
    vectorizer = TfidfVectorizer(
        analyzer=_with_pairs if pairs else _tokens,
        sublinear_tf=True,
        min_df=floor if floor is not None else min_df(len(kept)),
    )
    try:
        matrix = vectorizer.fit_transform([term_lists[i] for i in kept]).tocsr()
    except ValueError:  # no term is shared by enough contributions
        return empty
    # A contribution whose every word is rare has nothing to compare with.
    present = np.flatnonzero(matrix.getnnz(axis=1) > 0)
    return Space(
        ids=[docs[kept[i]].id for i in present],
        matrix=matrix[present],
        terms=list(vectorizer.get_feature_names_out()),
        surfaces={t: words.most_common(1)[0][0] for t, words in written.items()},
    )
