"""Decoding recordings into 16 kHz PCM with ffmpeg, and refusing what is not usable audio."""

from __future__ import annotations

import random
import wave
from pathlib import Path

import pytest

from tests.transcription.speech import FORMATS, Recording
from transcription.audio import (
    BYTES_PER_SECOND,
    CHUNK_BYTES,
    AudioError,
    AudioTooLongError,
    EmptyAudioError,
    UnsupportedAudioError,
    decode_pcm,
    peak_level,
    probe,
    stream_pcm,
)

CODECS = {"phone.wav": "pcm_s16le", "upload.mp3": "mp3", "voice.ogg": "opus"}


@pytest.mark.parametrize("name", list(FORMATS))
def test_every_format_streams_as_16k_mono_pcm(name: str, sentence: Recording) -> None:
    path = sentence.files[name]
    info = probe(path)
    chunks = stream_pcm(path, max_seconds=60)

    first = next(chunks)
    sizes = [len(first)] + [len(chunk) for chunk in chunks]

    assert info.codec == CODECS[name]
    assert info.duration_seconds == pytest.approx(sentence.seconds, abs=0.1)
    assert max(sizes) == CHUNK_BYTES and all(size % 2 == 0 for size in sizes)
    assert sum(sizes) / BYTES_PER_SECOND == pytest.approx(sentence.seconds, abs=0.1)


def test_stopping_early_ends_the_decoder(sentence: Recording) -> None:
    chunks = stream_pcm(sentence.files["voice.ogg"], chunk_bytes=3200)
    assert len(next(chunks)) == 3200
    chunks.close()


def test_empty_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "voicemail.wav"
    empty.touch()
    with pytest.raises(EmptyAudioError, match="empty"):
        list(stream_pcm(empty))


def test_wav_without_samples_is_refused(tmp_path: Path) -> None:
    header_only = tmp_path / "voicemail.wav"
    with wave.open(str(header_only), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
    with pytest.raises(EmptyAudioError, match="no audio samples"):
        list(stream_pcm(header_only))


@pytest.mark.parametrize("suffix", [".bin", ".mp3", ".ogg", ".wav"])
def test_random_bytes_are_refused_without_naming_the_file(tmp_path: Path, suffix: str) -> None:
    folder = tmp_path / "resident-0612345678"
    folder.mkdir()
    corrupt = folder / f"jan-jansen{suffix}"
    corrupt.write_bytes(random.Random(suffix).randbytes(20_000))

    with pytest.raises(UnsupportedAudioError) as caught:
        list(stream_pcm(corrupt))

    reason = str(caught.value)
    assert reason
    assert "jan-jansen" not in reason and "0612345678" not in reason and "/" not in reason


def test_text_and_playlists_are_refused(tmp_path: Path, sentence: Recording) -> None:
    text = tmp_path / "note.txt"
    text.write_text("dit is geen geluid\n")
    playlist = tmp_path / "list.ffconcat"
    playlist.write_text(f"ffconcat version 1.0\nfile '{sentence.files['phone.wav']}'\n")

    for path in (text, playlist):
        with pytest.raises(UnsupportedAudioError):
            probe(path)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedAudioError, match="not found"):
        probe(tmp_path / "gone.wav")


def test_declared_length_over_the_limit_is_refused_before_decoding(sentence: Recording) -> None:
    chunks = stream_pcm(sentence.files["phone.wav"], max_seconds=1.0)
    with pytest.raises(AudioTooLongError) as caught:
        next(chunks)
    assert caught.value.max_seconds == 1.0
    assert caught.value.seconds == pytest.approx(sentence.seconds, abs=0.1)


def test_decoded_length_over_the_limit_stops_the_stream(sentence: Recording) -> None:
    received = 0
    with pytest.raises(AudioTooLongError):
        for chunk in decode_pcm(sentence.files["upload.mp3"], max_seconds=0.5):
            received += len(chunk)
    # The limit allows a second of slack for containers that under-report their length.
    assert received <= 2 * BYTES_PER_SECOND


def test_errors_share_a_base_class_and_carry_codes() -> None:
    errors = (UnsupportedAudioError, EmptyAudioError, AudioTooLongError)
    assert all(issubclass(error, AudioError) for error in errors)
    assert len({error.code for error in errors}) == 3


def test_peak_level_reads_little_endian_samples() -> None:
    assert peak_level(b"") == 0
    assert peak_level((1000).to_bytes(2, "little", signed=True) * 3) == 1000
    assert peak_level((-32768).to_bytes(2, "little", signed=True) + b"\x00") == 32768
