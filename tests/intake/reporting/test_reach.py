"""The reach report counts what reached each consultation, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from intake.reporting.reach import OTHER, SMALL_COUNT, UNKNOWN, overview, postcode_area
from intake.runtime import Runtime
from tests.intake.reporting.reach_data import (
    BOUNDARIES,
    add_consultation,
    boundary_rows,
    insert,
    populate,
)

BRUSSELS = ZoneInfo("Europe/Brussels")


def _counted(made: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [row for row in made if row["status"] != "duplicate"]


def _week(row: dict[str, Any]) -> str:
    year, week, _day = row["received_at"].astimezone(BRUSSELS).isocalendar()
    return f"{year}-W{week:02d}"


def test_each_dimension_adds_up_and_matches_the_contributions(
    any_runtime: Runtime, session: Session
) -> None:
    data = populate(any_runtime)
    found = {r.consultation_id: r for r in overview(session).per_consultation}
    for cid in (data["first"], data["second"]):
        counted = _counted(data["rows"][cid])
        reach = found[cid]
        assert reach.total == len(counted) < len(data["rows"][cid])
        for name in ("channel", "language", "postcode", "week"):
            assert sum(n for _v, n in reach.counts[name]) == reach.total, name
        assert dict(reach.counts["channel"]) == Counter(r["channel"] for r in counted)
        assert dict(reach.counts["language"]) == Counter(r["language"] for r in counted)
        weeks = {w: n for w, n in reach.counts["week"] if n}
        assert weeks == Counter(_week(r) for r in counted)
        assert reach.first == min(r["received_at"] for r in counted)
        assert reach.last == max(r["received_at"] for r in counted)


def test_the_non_web_share_counts_every_channel_but_the_website(
    any_runtime: Runtime, session: Session
) -> None:
    data = populate(any_runtime)
    counted = _counted(data["rows"][data["first"]])
    reach = overview(session, data["first"]).chosen
    not_web = sum(1 for r in counted if r["channel"] != "web")
    assert reach.non_web == not_web
    assert abs(reach.non_web_share - not_web / len(counted)) < 1e-9
    assert 0 < reach.non_web_share < 1


def test_all_together_is_the_sum_of_the_consultations(
    any_runtime: Runtime, session: Session
) -> None:
    data = populate(any_runtime)
    # A paper form nobody could file under a consultation yet.
    unfiled = {**boundary_rows(data["first"])[0], "consultation_id": None, "channel": "paper"}
    insert(any_runtime.db.engine, [unfiled])
    found = overview(session)
    everything = _counted(data["rows"][data["first"]] + data["rows"][data["second"]])
    assert found.chosen.total == len(everything) + 1
    assert dict(found.chosen.counts["channel"]) == Counter(
        r["channel"] for r in [*everything, unfiled]
    )
    # One row per consultation, the empty demo consultation included, the unfiled one last.
    assert [r.consultation_id for r in found.per_consultation][1:] == [
        data["first"],
        data["second"],
        None,
    ]
    assert found.per_consultation[0].total == 0 and found.per_consultation[-1].total == 1
    assert sum(r.total for r in found.per_consultation) == found.chosen.total


def test_weeks_follow_brussels_time_around_their_boundaries(
    any_runtime: Runtime, session: Session
) -> None:
    cid = add_consultation(any_runtime, "grenzen", "Weekgrenzen")
    insert(any_runtime.db.engine, boundary_rows(cid))
    weeks = overview(session, cid).chosen.counts["week"]
    assert {w: n for w, n in weeks if n} == {week: 1 for _moment, week in BOUNDARIES}
    # Weeks without contributions stay in, in order, so the chart shows the gaps.
    assert weeks[0] == ("2024-W01", 1) and weeks[-1] == ("2025-W01", 1)
    assert len(weeks) == 53 and sum(n for _w, n in weeks) == len(BOUNDARIES)


def test_duplicates_are_not_counted(any_runtime: Runtime, session: Session) -> None:
    cid = add_consultation(any_runtime, "dubbel", "Dubbel")
    made = boundary_rows(cid)
    for row in made[:3]:
        row["status"] = "duplicate"
    insert(any_runtime.db.engine, made)
    reach = overview(session, cid).chosen
    assert reach.total == 2 and dict(reach.counts["channel"]) == {"web": 2}


def test_small_postcode_areas_are_merged_and_unknown_ones_kept_apart(
    any_runtime: Runtime, session: Session
) -> None:
    data = populate(any_runtime)
    counted = _counted(data["rows"][data["first"]])
    postcodes = dict(overview(session, data["first"]).chosen.counts["postcode"])
    assert "8500" not in postcodes and "3000" not in postcodes
    assert postcodes[OTHER] == 3
    assert all(n >= SMALL_COUNT for k, n in postcodes.items() if k != OTHER)
    # " 9050 " counts as 9050; a missing, "90" or "abcd" postcode is unknown.
    assert postcodes["9050"] == sum(1 for r in counted if r["postcode"] == " 9050 ")
    assert postcodes[UNKNOWN] == sum(1 for r in counted if r["postcode"] in (None, "90", "abcd"))
    assert list(postcodes)[-2:] == [OTHER, UNKNOWN]


def test_a_small_area_cannot_be_found_by_subtracting_one_consultation_from_all(
    any_runtime: Runtime, session: Session
) -> None:
    made = []
    for prefix, postcodes in (("A", ["8500"] * 5), ("B", ["8500", "9000", "9000", "9000", "9000"])):
        cid = add_consultation(any_runtime, prefix.lower(), prefix)
        rows = boundary_rows(cid, prefix)
        made += [{**row, "postcode": pc} for row, pc in zip(rows, postcodes, strict=True)]
    insert(any_runtime.db.engine, made)
    found = overview(session)
    shown = {r.consultation_id: dict(r.counts["postcode"]) for r in found.per_consultation}
    assert [p for p in shown.values() if p] == [{"8500": 5}, {OTHER: 5}]
    # Not 6: the one contribution from 8500 to the second consultation stays hidden.
    assert dict(found.chosen.counts["postcode"]) == {"8500": 5, OTHER: 5}


def test_a_postcode_is_four_digits_as_belgium_numbers_them() -> None:
    assert [postcode_area(p) for p in ("9000", " 1000", "0999", "900", "B-9000", None)] == [
        "9000",
        "1000",
        UNKNOWN,
        UNKNOWN,
        UNKNOWN,
        UNKNOWN,
    ]
