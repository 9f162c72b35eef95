"""References are short, unambiguous, random and easy to type."""

from __future__ import annotations

import re

from intake.references import ALPHABET, new_reference, normalise_reference, spoken


def test_references_avoid_characters_people_confuse() -> None:
    for confusing in "0O1IL5S2Z8BUV":
        assert confusing not in ALPHABET
    for _ in range(500):
        assert re.fullmatch(rf"[{ALPHABET}]{{3}}-[{ALPHABET}]{{3}}", new_reference())


def test_references_do_not_follow_from_each_other() -> None:
    drawn = [new_reference() for _ in range(2000)]
    assert len(set(drawn)) == len(drawn)
    # Consecutive references share no more characters than chance would give.
    same = sum(a[i] == b[i] for a, b in zip(drawn, drawn[1:], strict=False) for i in (0, 1, 2))
    assert same / (3 * (len(drawn) - 1)) < 0.1


def test_what_residents_type_is_understood() -> None:
    assert normalise_reference("k7m 4pq") == "K7M-4PQ"
    assert normalise_reference(" K7M4PQ ") == "K7M-4PQ"
    assert normalise_reference("K7M-4P") is None
    assert normalise_reference("O0O-111") is None


def test_a_voice_spells_the_reference() -> None:
    assert spoken("K7M-4PQ") == "K, 7, M, 4, P, Q"
