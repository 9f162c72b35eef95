"""Look-alikes of a contribution: a resident's resent message comes first, unrelated ones never."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.models import Contribution, ContributionStatus, TextRevision
from intake.reporting.analysis.similar import MIN_SIMILAR, similar_to
from tests.support.corpus import PlantedCorpus, plant_consultation


@pytest.fixture
def planted(session: Session) -> PlantedCorpus:
    """A consultation of 360 contributions with 24 messages sent twice."""
    return plant_consultation(session)


def test_a_resent_message_is_the_closest_match(session: Session, planted: PlantedCorpus) -> None:
    found = 0
    for first, again in planted.duplicates:
        for asked, expected in ((again, first), (first, again)):
            closest = similar_to(session, asked)
            if closest and closest[0].contribution_id == expected:
                assert closest[0].same_sender
                assert closest[0].reference == session.get(Contribution, expected).reference
                found += 1
    assert found >= 0.8 * 2 * len(planted.duplicates)


def test_look_alikes_are_ranked_and_mostly_on_the_same_topic(
    session: Session, planted: PlantedCorpus
) -> None:
    resent = planted.duplicates[0][1]
    found = similar_to(session, resent, limit=3)
    assert 1 <= len(found) <= 3
    assert resent not in {s.contribution_id for s in found}
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    assert all(MIN_SIMILAR <= s.score <= 1 for s in found)
    # Sharing a sentence ("I walk my dog here") may link two topics; rarely, though.
    pairs = [(cid, s) for cid in planted.topics for s in similar_to(session, cid)]
    same = sum(planted.topics[cid] == planted.topics.get(s.contribution_id) for cid, s in pairs)
    assert same >= 0.9 * len(pairs)
    resent_pairs = {frozenset(pair) for pair in planted.duplicates}
    assert all(
        not s.same_sender or frozenset((cid, s.contribution_id)) in resent_pairs for cid, s in pairs
    )


def test_short_and_off_topic_messages_have_no_look_alikes(
    session: Session, planted: PlantedCorpus
) -> None:
    for cid in planted.noise:
        contribution = session.get(Contribution, cid)
        found = similar_to(session, cid)
        if contribution.status == ContributionStatus.NEW:  # "ok", "Goed idee!", silence
            assert found == []
        assert all(s.contribution_id in planted.noise for s in found)


def test_a_corrected_text_is_compared_as_corrected(
    session: Session, planted: PlantedCorpus
) -> None:
    dutch = set(session.scalars(select(Contribution.id).where(Contribution.language == "nl")))
    asked = next(c for c in planted.of_topic("noise") if c in dutch)
    resent = {cid for pair in planted.duplicates for cid in pair}
    target = next(c for c in planted.of_topic("trees") if c in dutch and c not in resent)
    assert all(s.contribution_id != target for s in similar_to(session, asked))
    # Staff correct the text (a revision is kept), to one that repeats a trees text.
    contribution = session.get(Contribution, asked)
    session.add(TextRevision(contribution_id=asked, text=contribution.text, text_origin="typed"))
    contribution.text = session.get(Contribution, target).text
    session.flush()
    found = similar_to(session, asked)
    assert found[0].contribution_id == target and found[0].score > 0.99


def test_unknown_or_unfiled_contributions_have_none(session: Session) -> None:
    assert similar_to(session, 999_999) == []
    other = plant_consultation(session, size=30, seed=5, slug="small")
    assert similar_to(session, next(iter(other.topics)), limit=0) == []
