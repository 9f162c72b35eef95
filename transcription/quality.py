"""Decide whether a machine transcript is good enough or needs a person to listen."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

UNKNOWN_WORD = "[unk]"


class Reason(StrEnum):
    """Machine codes for why a transcript needs a person; the UI translates them."""

    SILENCE = "silence"
    EMPTY = "empty"
    TOO_SHORT = "too_short"
    UNKNOWN_WORDS = "unknown_words"
    LOW_CONFIDENCE = "low_confidence"
    IMPLAUSIBLE_RATE = "implausible_rate"


class ScoredWord(Protocol):
    """A recognised word as far as quality checks are concerned."""

    @property
    def text(self) -> str: ...

    @property
    def confidence(self) -> float: ...


@dataclass(frozen=True)
class Thresholds:
    """Limits beyond which a transcript goes to a person."""

    # Vosk often reports 1.0 for wrong words, so confidence is only one signal of several.
    word_confidence: float = 0.6
    max_low_confidence_share: float = 0.4
    max_unknown_share: float = 0.3
    min_seconds: float = 1.0
    # Conversational speech runs at about 2-3 words a second; far outside means the
    # recogniser mostly heard noise (too few) or chopped sounds into fragments (too many).
    min_words_per_second: float = 0.2
    max_words_per_second: float = 5.0
    # Peak sample value below which a recording counts as silent (about -50 dBFS).
    silence_peak: int = 100


DEFAULT_THRESHOLDS = Thresholds()


def assess(
    words: Sequence[ScoredWord],
    duration_seconds: float,
    peak: int,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Reason | None:
    """Return why a person should check this transcript, or None if it looks usable."""
    t = thresholds
    if not words:
        return Reason.SILENCE if peak < t.silence_peak else Reason.EMPTY
    if duration_seconds < t.min_seconds:
        return Reason.TOO_SHORT
    if _share(words, lambda w: w.text == UNKNOWN_WORD) > t.max_unknown_share:
        return Reason.UNKNOWN_WORDS
    if _share(words, lambda w: w.confidence < t.word_confidence) > t.max_low_confidence_share:
        return Reason.LOW_CONFIDENCE
    rate = len(words) / duration_seconds
    if not t.min_words_per_second <= rate <= t.max_words_per_second:
        return Reason.IMPLAUSIBLE_RATE
    return None


def _share(words: Sequence[ScoredWord], test: Callable[[ScoredWord], bool]) -> float:
    return sum(1 for word in words if test(word)) / len(words)
