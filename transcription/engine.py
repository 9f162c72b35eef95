"""Turn an audio file into a timed transcript with a local Vosk model."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import vosk

from transcription.audio import BYTES_PER_SECOND, peak_level, stream_pcm
from transcription.quality import DEFAULT_THRESHOLDS, UNKNOWN_WORD, Thresholds, assess
from transcription.speech_models import ModelRegistry

DEFAULT_MAX_SECONDS = 15 * 60.0
# Models name their garbage word differently; "[unk]" is what callers and quality checks see.
_UNKNOWN_SPELLINGS = ("[unk]", "<UNK>", "<unk>")


class GrammarError(ValueError):
    """Raise when a restricted vocabulary has no word the model knows."""


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word with its time span in seconds and the model's confidence."""

    text: str
    start: float
    end: float
    confidence: float


@dataclass(frozen=True)
class Transcript:
    """The text of a recording, its words, and whether a person should check it."""

    text: str
    words: tuple[Word, ...]
    language: str
    model_name: str
    duration_seconds: float
    needs_person: bool
    reason: str | None


def transcribe(
    path: Path | str,
    language: str,
    registry: ModelRegistry,
    *,
    grammar: Sequence[str] | None = None,
    max_seconds: float = DEFAULT_MAX_SECONDS,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Transcript:
    """Transcribe ``path`` in ``language``, optionally restricted to the ``grammar`` phrases."""
    code = registry.resolve(language)
    model = registry.get(code)
    grammar_json = None if grammar is None else _grammar_json(model, grammar)
    results: list[str] = []
    total = peak = 0
    with registry.recognizers(code).lease(grammar_json) as lease:
        for chunk in stream_pcm(Path(path), max_seconds=max_seconds):
            total += len(chunk)
            peak = max(peak, peak_level(chunk))
            if lease.accept(chunk):
                results.append(lease.result())
        results.append(lease.final_result())
    words = tuple(_words(results, lease.offset_seconds))
    duration = total / BYTES_PER_SECOND
    reason = assess(words, duration, peak, thresholds)
    return Transcript(
        text=" ".join(word.text for word in words),
        words=words,
        language=code,
        model_name=registry.model_name(code),
        duration_seconds=duration,
        needs_person=reason is not None,
        reason=None if reason is None else str(reason),
    )


def unknown_word(model: vosk.Model) -> str | None:
    """Return how ``model`` spells its catch-all word for unknown speech, if it has one."""
    for spelling in _UNKNOWN_SPELLINGS:
        if model.vosk_model_find_word(spelling) >= 0:
            return spelling
    return None


def missing_words(model: vosk.Model, phrases: Iterable[str]) -> list[str]:
    """Return the words of ``phrases`` that ``model`` cannot recognise, in order."""
    missing: list[str] = []
    for phrase in phrases:
        for word in phrase.split():
            if model.vosk_model_find_word(word) < 0 and word not in missing:
                missing.append(word)
    return missing


def _grammar_json(model: vosk.Model, grammar: Sequence[str]) -> str:
    # Vosk drops unknown words itself but logs each one; dropping them here keeps stderr quiet.
    unknown = set(missing_words(model, grammar))
    phrases = [" ".join(w for w in p.split() if w not in unknown) for p in grammar]
    phrases = [p for p in phrases if p]
    if not phrases:
        raise GrammarError("none of the grammar's words is in the model's vocabulary")
    garbage = unknown_word(model)
    # The catch-all word lets off-list speech come out as "[unk]" instead of a forced match.
    return json.dumps(phrases + ([garbage] if garbage else []), ensure_ascii=False)


def _words(results: Iterable[str], offset: float) -> Iterable[Word]:
    for raw in results:
        for item in json.loads(raw).get("result", ()):
            text = item["word"]
            yield Word(
                text=UNKNOWN_WORD if text in _UNKNOWN_SPELLINGS else text,
                start=_seconds(item["start"], offset),
                end=_seconds(item["end"], offset),
                confidence=float(item.get("conf", 1.0)),
            )


def _seconds(value: float, offset: float) -> float:
    # Millisecond rounding hides the float32 noise of Vosk's running clock.
    return max(0.0, round(float(value) - offset, 3))
