"""Lend out warmed-up Vosk recognizers so repeated transcriptions skip graph building."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import vosk

from transcription.audio import SAMPLE_RATE, SAMPLE_WIDTH

# Vosk reports word times as float32 seconds since the recognizer's first sample, so a
# recognizer that has heard an hour is replaced before those times lose millisecond precision.
RETIRE_AFTER_SAMPLES = 3600 * SAMPLE_RATE


class Lease:
    """One borrowed recognizer, with word times made relative to this recording."""

    def __init__(self, recognizer: vosk.KaldiRecognizer, samples_before: int) -> None:
        self.recognizer = recognizer
        self.samples_before = samples_before
        self.samples = 0
        self.finished = False

    @property
    def offset_seconds(self) -> float:
        """Return how far Vosk's clock had run before this recording started."""
        return self.samples_before / SAMPLE_RATE

    def accept(self, pcm: bytes) -> bool:
        """Feed PCM and tell whether Vosk ended an utterance with it."""
        self.samples += len(pcm) // SAMPLE_WIDTH
        return bool(self.recognizer.AcceptWaveform(pcm))

    def result(self) -> str:
        """Return the JSON of the utterance Vosk just ended."""
        return str(self.recognizer.Result())

    def final_result(self) -> str:
        """Flush the recognizer and return the JSON of the last utterance."""
        self.finished = True
        return str(self.recognizer.FinalResult())


class RecognizerPool:
    """Keep idle free-decoding recognizers of one model; build grammar ones fresh."""

    def __init__(self, model: vosk.Model, *, max_idle: int = 2) -> None:
        self._model = model
        self._max_idle = max_idle
        self._idle: list[tuple[vosk.KaldiRecognizer, int]] = []
        self._lock = threading.Lock()
        self.created = 0

    @contextmanager
    def lease(self, grammar_json: str | None = None) -> Iterator[Lease]:
        """Lend a recognizer for one recording, restricted to ``grammar_json`` if given."""
        # Vosk expands its decoding graph lazily inside each recognizer; the first recording
        # through a fresh one pays seconds for that, so free-decoding recognizers are reused.
        # Grammar graphs are tiny and cheap to build, so those are not worth keeping.
        reusable = grammar_json is None
        recognizer, before = self._take() if reusable else (None, 0)
        if recognizer is None:
            recognizer, before = self._create(grammar_json), 0
        lease = Lease(recognizer, before)
        try:
            yield lease
        finally:
            # Only an untouched or cleanly flushed recognizer is in a known state for the next
            # caller; one abandoned mid-recording is dropped.
            if reusable and (lease.finished or lease.samples == 0):
                self._give_back(recognizer, before + lease.samples)

    @property
    def idle(self) -> int:
        """Return how many warmed-up recognizers are waiting."""
        return len(self._idle)

    def clear(self) -> None:
        """Drop the idle recognizers and the graph memory they hold."""
        with self._lock:
            self._idle.clear()

    def _take(self) -> tuple[vosk.KaldiRecognizer | None, int]:
        with self._lock:
            return self._idle.pop() if self._idle else (None, 0)

    def _give_back(self, recognizer: vosk.KaldiRecognizer, samples: int) -> None:
        if samples >= RETIRE_AFTER_SAMPLES:
            return
        with self._lock:
            if len(self._idle) < self._max_idle:
                self._idle.append((recognizer, samples))

    def _create(self, grammar_json: str | None) -> vosk.KaldiRecognizer:
        if grammar_json is None:
            recognizer = vosk.KaldiRecognizer(self._model, SAMPLE_RATE)
        else:
            recognizer = vosk.KaldiRecognizer(self._model, SAMPLE_RATE, grammar_json)
        recognizer.SetWords(True)
        with self._lock:
            self.created += 1
        return recognizer
