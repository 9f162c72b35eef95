"""Session-wide Korean recordings and one model registry shared by all transcription tests."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import pytest

from tests.transcription.speech import (
    PHRASE_GAP_SECONDS,
    PHRASES,
    SENTENCE,
    Recording,
    in_all_formats,
    speak,
)
from transcription.speech_models import ModelRegistry, packaged_korean_model


@pytest.fixture(scope="session")
def registry() -> ModelRegistry:
    """One registry for the whole session, so the Korean model loads once."""
    return ModelRegistry({"ko": packaged_korean_model()})


@pytest.fixture(scope="session")
def sentence(tmp_path_factory: pytest.TempPathFactory) -> Recording:
    """A spoken Korean sentence in every delivery format."""
    folder = tmp_path_factory.mktemp("sentence")
    speak(SENTENCE, folder / "source.wav")
    return in_all_formats(folder / "source.wav", folder)


@pytest.fixture(scope="session")
def phrases(tmp_path_factory: pytest.TempPathFactory) -> Recording:
    """All grammar phrases spoken one after another with pauses, in every format."""
    folder = tmp_path_factory.mktemp("phrases")
    frames, rate = b"", 0
    for number, phrase in enumerate(PHRASES):
        part = folder / f"part{number}.wav"
        speak(phrase, part)
        with wave.open(str(part)) as wav:
            rate = wav.getframerate()
            frames += wav.readframes(wav.getnframes())
        frames += b"\0\0" * int(rate * PHRASE_GAP_SECONDS)
    source = folder / "source.wav"
    with wave.open(str(source), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(frames)
    return in_all_formats(source, folder)


@pytest.fixture(scope="session")
def silence(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three seconds of digital silence at phone quality."""
    out = tmp_path_factory.mktemp("silence") / "silence.wav"
    source = ["-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", "3"]
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", *source, "-c:a", "pcm_s16le", str(out)],
        check=True,
        capture_output=True,
    )
    return out
