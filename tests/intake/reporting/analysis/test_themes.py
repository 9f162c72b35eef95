"""Themes found in a planted consultation, and what staff do with them, on both databases."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.models import (
    Contribution,
    ContributionTheme,
    Theme,
    ThemeAssignment,
    ThemeStatus,
)
from intake.reporting.analysis.themes import (
    ThemeError,
    assign_theme,
    compute_themes,
    merge_themes,
    split_theme,
    theme_members,
    themes_of,
)
from tests.support.corpus import TOPICS, PlantedCorpus, plant_consultation


@pytest.fixture
def planted(session: Session) -> PlantedCorpus:
    """A consultation of 360 contributions on six known topics, in three languages."""
    return plant_consultation(session)


def theme_of(session: Session) -> dict[int, int]:
    """Return contribution id → theme id for every contribution in a theme."""
    rows = session.execute(select(ContributionTheme.contribution_id, ContributionTheme.theme_id))
    return {cid: tid for cid, tid in rows}


def main_theme(planted: PlantedCorpus, groups: dict[int, int], topic: str) -> int:
    """Return the theme most of a topic's contributions are in."""
    found = Counter(groups[cid] for cid in planted.of_topic(topic) if cid in groups)
    return found.most_common(1)[0][0]


def test_themes_recover_the_planted_topics(session: Session, planted: PlantedCorpus) -> None:
    run = compute_themes(session, planted.consultation_id)
    groups = theme_of(session)
    assert planted.purity(groups) >= 0.85
    unassigned = [cid for cid in planted.topics if cid not in groups]
    assert len(unassigned) <= 0.05 * len(planted.topics)
    # Off-topic messages staff set aside, "ok" and empty voicemails belong to no theme.
    assert not set(planted.noise) & set(groups)
    assert 4 <= run.themes <= 12
    assert run.assigned == len(groups)
    assert all(
        theme.status == ThemeStatus.SUGGESTED
        for theme, _ in themes_of(session, planted.consultation_id)
    )


def test_voicemails_and_paper_forms_land_with_typed_texts(
    session: Session, planted: PlantedCorpus
) -> None:
    compute_themes(session, planted.consultation_id)
    groups = theme_of(session)
    channels = dict(session.execute(select(Contribution.id, Contribution.channel)).all())
    for topic in TOPICS:
        typed = Counter(
            groups[cid]
            for cid in planted.of_topic(topic)
            if channels[cid] == "web" and cid in groups
        )
        home = typed.most_common(1)[0][0]
        for channel in ("voice", "paper"):
            ids = [cid for cid in planted.of_topic(topic) if channels[cid] == channel]
            together = sum(groups.get(cid) == home for cid in ids)
            assert together >= 0.8 * len(ids), (topic, channel)


def test_themes_are_labelled_with_words_residents_wrote(
    session: Session, planted: PlantedCorpus
) -> None:
    compute_themes(session, planted.consultation_id)
    for theme, count in themes_of(session, planted.consultation_id):
        assert count and len(theme.top_terms) >= 3
        written = " ".join(m.text.lower() for m in theme_members(session, theme.id))
        assert all(term in written for term in theme.top_terms), theme.top_terms
    trees = main_theme(planted, theme_of(session), "trees")
    assert "bomen" in session.get(Theme, trees).top_terms[:3]


def test_members_come_closest_first(session: Session, planted: PlantedCorpus) -> None:
    compute_themes(session, planted.consultation_id)
    counted = themes_of(session, planted.consultation_id)
    assert [n for _, n in counted] == sorted((n for _, n in counted), reverse=True)
    theme = counted[0][0]
    scores = [session.get(ContributionTheme, m.id).score for m in theme_members(session, theme.id)]
    assert len(scores) == counted[0][1]
    assert scores == sorted(scores, reverse=True) and 0 < scores[-1] <= scores[0] <= 1


def test_recomputing_keeps_confirmed_themes_and_staff_choices(
    session: Session, planted: PlantedCorpus
) -> None:
    compute_themes(session, planted.consultation_id)
    groups = theme_of(session)
    trees = session.get(Theme, main_theme(planted, groups, "trees"))
    trees.status, trees.labels = ThemeStatus.CONFIRMED, {"nl": "Bomen en schaduw"}
    noise = main_theme(planted, groups, "noise")
    # Staff file a parking text under trees, and a cycling text under the (suggested) noise theme.
    moved = planted.of_topic("parking")[0]
    filed = planted.of_topic("cycling")[0]
    assign_theme(session, moved, trees.id)
    assign_theme(session, filed, noise)
    before = {theme.id for theme, _ in themes_of(session, planted.consultation_id)}

    run = compute_themes(session, planted.consultation_id)
    after = theme_of(session)
    assert session.get(Theme, trees.id).labels == {"nl": "Bomen en schaduw"}
    assert session.get(Theme, trees.id).status == ThemeStatus.CONFIRMED
    assert after[moved] == trees.id and after[filed] == noise
    for cid in (moved, filed):
        assert session.get(ContributionTheme, cid).assigned_by == ThemeAssignment.STAFF
    # The machine offers the confirmed theme its texts again, and regroups the rest anew.
    back = [cid for cid in planted.of_topic("trees") if after.get(cid) == trees.id]
    assert len(back) >= 0.9 * len(planted.of_topic("trees"))
    themes_now = {theme.id for theme, _ in themes_of(session, planted.consultation_id)}
    assert {trees.id, noise} <= themes_now and len(themes_now) == run.themes
    assert themes_now - before, "suggested themes are replaced"
    assert planted.purity(after) >= 0.85


def partition(session: Session) -> list[list[int]]:
    """Return the groups of contribution ids as they stand, in a comparable order."""
    members: dict[int, list[int]] = {}
    for cid, tid in sorted(theme_of(session).items()):
        members.setdefault(tid, []).append(cid)
    return sorted(members.values())


def test_computing_twice_gives_the_same_themes(session: Session, planted: PlantedCorpus) -> None:
    compute_themes(session, planted.consultation_id)
    first = partition(session)
    compute_themes(session, planted.consultation_id)
    assert partition(session) == first


def test_merge_then_split_gives_the_topics_back(session: Session, planted: PlantedCorpus) -> None:
    compute_themes(session, planted.consultation_id)
    groups = theme_of(session)
    trees, seniors = (main_theme(planted, groups, t) for t in ("trees", "seniors"))
    staff_pick = next(c for c in planted.of_topic("seniors") if groups.get(c) == seniors)
    assign_theme(session, staff_pick, seniors)
    sizes = dict((t.id, n) for t, n in themes_of(session, planted.consultation_id))

    merged = merge_themes(session, [trees, seniors], into=trees)
    assert merged.id == trees and session.get(Theme, seniors) is None
    counted = dict((t.id, n) for t, n in themes_of(session, planted.consultation_id))
    assert counted[trees] == sizes[trees] + sizes[seniors]
    assert set(merged.top_terms) & {"bomen", "schaduw"} and set(merged.top_terms) & {
        "ouderen",
        "bankjes",
        "toilet",
    }

    parts = split_theme(session, trees, parts=2)
    assert len(parts) == 2 and session.get(Theme, trees) is None
    assert all(p.status == ThemeStatus.SUGGESTED for p in parts)
    after = theme_of(session)
    members = {cid: tid for cid, tid in after.items() if tid in {p.id for p in parts}}
    assert len(members) == sizes[trees] + sizes[seniors]
    assert planted.purity(members) >= 0.9
    link = session.get(ContributionTheme, staff_pick)
    assert link.assigned_by == ThemeAssignment.STAFF
    assert link.theme_id == main_theme(planted, after, "seniors")


def test_staff_put_a_contribution_in_a_theme_and_take_it_out(
    session: Session, planted: PlantedCorpus
) -> None:
    compute_themes(session, planted.consultation_id)
    (theme, count), *_ = themes_of(session, planted.consultation_id)
    outsider = next(c for c in planted.topics if theme_of(session).get(c) != theme.id)
    assign_theme(session, outsider, theme.id)
    members = theme_members(session, theme.id)
    # Placed by hand, not measured: listed after the measured members.
    assert len(members) == count + 1 and members[-1].id == outsider
    assign_theme(session, outsider, None)
    assert outsider not in theme_of(session)
    assign_theme(session, outsider, None)  # taking out twice is harmless


def test_impossible_theme_changes_are_refused(session: Session, planted: PlantedCorpus) -> None:
    compute_themes(session, planted.consultation_id)
    theme = themes_of(session, planted.consultation_id)[0][0]
    other = plant_consultation(session, size=40, seed=3, slug="other")
    compute_themes(session, other.consultation_id)
    elsewhere = themes_of(session, other.consultation_id)[0][0]
    with pytest.raises(ThemeError):
        split_theme(session, theme.id, parts=1)
    with pytest.raises(ThemeError):
        merge_themes(session, [elsewhere.id], into=theme.id)
    with pytest.raises(ThemeError):
        assign_theme(session, next(iter(other.topics)), theme.id)
    with pytest.raises(ThemeError):
        assign_theme(session, next(iter(planted.topics)), 999_999)
    with pytest.raises(ThemeError):
        compute_themes(session, 999_999)
    tiny = Theme(consultation_id=planted.consultation_id)
    session.add(tiny)
    session.flush()
    assign_theme(session, next(iter(planted.topics)), tiny.id)
    with pytest.raises(ThemeError):
        split_theme(session, tiny.id, parts=2)


def test_a_handful_of_texts_makes_small_themes(session: Session) -> None:
    few = plant_consultation(session, size=0, slug="few")
    assert compute_themes(session, few.consultation_id).themes == 0
    texts = [
        ("nl", "Meer bomen in het park voor schaduw"),
        ("fr", "Plantez des arbres, il n'y a pas d'ombre"),
        ("en", "Trees give shade, plant more trees"),
        ("nl", "Te veel lawaai 's nachts, ik kan niet slapen"),
        ("fr", "Le bruit la nuit m'empêche de dormir"),
        ("en", "Noise at night keeps me awake"),
    ]
    ids = []
    for language, text in texts:
        contribution = Contribution(
            reference=f"FEW-{len(ids)}",
            consultation_id=few.consultation_id,
            channel="web",
            language=language,
            text=text,
        )
        session.add(contribution)
        session.flush()
        ids.append(contribution.id)
    run = compute_themes(session, few.consultation_id)
    assert run.themes == 2 and run.assigned == 6
    groups = theme_of(session)
    assert groups[ids[0]] == groups[ids[1]] == groups[ids[2]] != groups[ids[3]]
    assert groups[ids[3]] == groups[ids[4]] == groups[ids[5]]
