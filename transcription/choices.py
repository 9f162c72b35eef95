"""Hear which option a short spoken answer names, with Vosk restricted to the options' words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from transcription.engine import GrammarError, transcribe
from transcription.quality import UNKNOWN_WORD
from transcription.speech_models import ModelRegistry

# A spoken answer is a word or two; longer speech is no answer to a closed question.
MAX_ANSWER_SECONDS = 30.0
# Below this confidence a word is not taken as the resident's answer.
MIN_CONFIDENCE = 0.6


@dataclass(frozen=True)
class HeardChoice:
    """What a spoken answer said: the option it names (None: unclear), its words, confidence."""

    option: str | None
    words: str
    confidence: float | None


def hear_choice(
    path: Path | str,
    language: str,
    registry: ModelRegistry,
    options: Mapping[str, Sequence[str]],
    *,
    min_confidence: float = MIN_CONFIDENCE,
) -> HeardChoice:
    """Recognise ``path`` in grammar mode, limited to the phrases of ``options`` (by key).

    Speech outside the phrases comes out as the model's unknown word, never as a near
    option; the answer is the one option every recognised word belongs to, when sure enough.
    Raise NoModelError (or AudioError) as `transcribe` does.
    """
    phrases = [phrase for said in options.values() for phrase in said]
    try:
        result = transcribe(
            path, language, registry, grammar=phrases, max_seconds=MAX_ANSWER_SECONDS
        )
    except GrammarError:
        return HeardChoice(None, "", None)
    heard = [word for word in result.words if word.text != UNKNOWN_WORD]
    words = " ".join(word.text for word in heard)
    if not heard:
        return HeardChoice(None, words, None)
    confidence = round(min(word.confidence for word in heard), 4)
    named = set(options)
    for word in heard:
        named &= {key for key, said in options.items() if word.text in _words(said)}
    if len(named) != 1 or confidence < min_confidence:
        return HeardChoice(None, words, confidence)
    return HeardChoice(named.pop(), words, confidence)


def _words(phrases: Sequence[str]) -> set[str]:
    return {word for phrase in phrases for word in phrase.split()}
