"""Every reply fits one SMS where the language allows it, and never more than two."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from channels.sms import texts
from channels.sms.segments import encoding, length, segments
from intake.consultations import DEMO
from intake.i18n import LANGUAGES, using_language
from intake.models import ContributionStatus

REFERENCE = "K7M-4PQ"


def test_gsm7_counts_septets_and_escapes() -> None:
    assert encoding("Bedankt! Uw code is K7M-4PQ. àéèùì ÄÖÜ ß") == "GSM-7"
    assert segments("a" * 160) == 1 and segments("a" * 161) == 2
    assert segments("a" * 306) == 2 and segments("a" * 307) == 3
    assert length("€[]") == 6 and segments("€" * 80) == 1 and segments("€" * 81) == 2


def test_one_character_outside_gsm7_makes_the_whole_text_ucs2() -> None:
    assert encoding("Prise en compte, clôturée") == "UCS-2"
    assert encoding("Ça va") == "GSM-7" and encoding("ça va") == "UCS-2"
    assert segments("é" * 160) == 1 and segments("ê" * 70) == 1 and segments("ê" * 71) == 2
    assert segments("ê" * 134) == 2 and segments("ê" * 135) == 3
    assert length("🌳") == 2 and segments("🌳" * 35) == 1 and segments("🌳" * 36) == 2


FIXED: dict[str, Callable[[], str]] = {
    "thanks": lambda: texts.thanks(REFERENCE),
    "choose": lambda: texts.choose(["DEMO", "FIETS", "PARK"]),
    "nothing-open": lambda: texts.choose([]),
    "closed": texts.closed,
    "empty": texts.empty,
    "not-found": lambda: texts.not_found(REFERENCE),
    "status-usage": texts.status_usage,
    "stopped": texts.stopped,
    "started": texts.started,
    **{
        f"status-{state}": (lambda state=state: texts.status(REFERENCE, state))
        for state in ContributionStatus
    },
}


# Status words come from the shared labels; French "Reçue" needs UCS-2 (ç is not GSM-7).
UCS2_ALLOWED = {("status-new", "fr")}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", FIXED)
def test_each_reply_is_one_gsm7_segment_where_the_language_allows(language: str, name: str) -> None:
    with using_language(language):
        reply = FIXED[name]()
    if language != "nl":
        with using_language("nl"):
            assert reply != FIXED[name](), "the reply is not translated"
    if (name, language) in UCS2_ALLOWED:
        assert encoding(reply) == "UCS-2" and segments(reply) == 2, reply
    else:
        assert encoding(reply) == "GSM-7", reply
        assert segments(reply) == 1, reply


@pytest.mark.parametrize("language", LANGUAGES)
def test_replies_with_outside_words_never_take_more_than_two_segments(language: str) -> None:
    titles = [
        DEMO["texts"][language]["title"],  # type: ignore[index]
        "Herinrichting van de markt – zomer 2027 ☀ " * 8,
        "Une place du marché réaménagée pour l'été, avec fontaine et bancs " * 6,
    ]
    many = [f"KEYWORD{i}" for i in range(60)]
    with using_language(language):
        answers = [texts.prompt(title) for title in titles] + [texts.choose(many)]
    for reply in answers:
        assert segments(reply) <= 2, reply
    assert answers[0].count(DEMO["texts"][language]["title"]) == 1  # type: ignore[index]
    assert "..." in answers[1] and "..." in answers[-1] and "KEYWORD0" in answers[-1]
