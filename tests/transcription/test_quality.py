"""Deciding from recognised words whether a person should listen to a recording."""

from __future__ import annotations

import pytest

from transcription.engine import Word
from transcription.quality import Reason, Thresholds, assess

LOUD = 8000


def words(count: int, confidence: float = 1.0, text: str = "말") -> list[Word]:
    """Return ``count`` words half a second apart."""
    return [Word(text, i * 0.5, i * 0.5 + 0.4, confidence) for i in range(count)]


def test_plausible_speech_needs_no_person() -> None:
    assert assess(words(10), 5.0, LOUD) is None


def test_no_words_is_silence_or_empty_depending_on_level() -> None:
    assert assess([], 5.0, 20) == Reason.SILENCE
    assert assess([], 5.0, LOUD) == Reason.EMPTY


def test_very_short_audio_needs_a_person() -> None:
    assert assess(words(2), 0.6, LOUD) == Reason.TOO_SHORT


def test_many_unknown_words_need_a_person() -> None:
    mixed = words(6) + words(4, text="[unk]")
    assert assess(mixed, 5.0, LOUD) == Reason.UNKNOWN_WORDS


def test_low_confidence_is_judged_by_share_not_mean() -> None:
    # A few very unsure words among confident ones keep the mean high but the share low.
    assert assess(words(8) + words(2, confidence=0.05), 5.0, LOUD) is None
    assert assess(words(5) + words(5, confidence=0.5), 5.0, LOUD) == Reason.LOW_CONFIDENCE


@pytest.mark.parametrize("count, seconds", [(2, 30.0), (40, 4.0)])
def test_implausible_speech_rate_needs_a_person(count: int, seconds: float) -> None:
    assert assess(words(count), seconds, LOUD) == Reason.IMPLAUSIBLE_RATE


def test_thresholds_can_be_tuned() -> None:
    lenient = Thresholds(max_words_per_second=20.0)
    assert assess(words(40), 4.0, LOUD, lenient) is None


def test_reasons_are_short_machine_codes() -> None:
    assert [str(reason) for reason in Reason] == [
        "silence",
        "empty",
        "too_short",
        "unknown_words",
        "low_confidence",
        "implausible_rate",
    ]
