"""Decode any audio file into a stream of 16 kHz mono signed 16-bit PCM with ffmpeg."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

SAMPLE_RATE = 16_000
SAMPLE_WIDTH = 2
BYTES_PER_SECOND = SAMPLE_RATE * SAMPLE_WIDTH
# One second per chunk: few Python round trips, yet memory stays flat for long recordings.
CHUNK_BYTES = BYTES_PER_SECOND
PROBE_TIMEOUT = 60.0
# Decoded length can exceed the declared one by a few frames; that is no reason to refuse.
LENGTH_SLACK_SECONDS = 1.0
# Containers residents' phones and messengers produce; anything else (playlists, concat
# lists, images) is refused before ffmpeg can follow references to other files or URLs.
ALLOWED_FORMATS = ",".join(
    ("wav", "w64", "mp3", "ogg", "matroska", "webm", "mov", "mp4", "m4a", "3gp", "3g2", "mj2",
     "aac", "flac", "amr", "amrnb", "amrwb", "caf", "aiff", "au", "asf")
)  # fmt: skip
_INPUT_OPTIONS = ("-protocol_whitelist", "file", "-format_whitelist", ALLOWED_FORMATS)


class AudioError(Exception):
    """Raise when a file cannot be turned into speech audio."""

    code: ClassVar[str] = "audio_error"


class UnsupportedAudioError(AudioError):
    """Raise when a file is corrupt, not audio, or in a refused format."""

    code = "unsupported_audio"


class EmptyAudioError(AudioError):
    """Raise when a file has no bytes or decodes to no samples."""

    code = "empty_audio"


class AudioTooLongError(AudioError):
    """Raise when a recording is longer than the configured maximum."""

    code = "audio_too_long"

    def __init__(self, seconds: float, max_seconds: float) -> None:
        super().__init__(f"audio lasts {seconds:.1f} s, more than the {max_seconds:.1f} s allowed")
        self.seconds = seconds
        self.max_seconds = max_seconds


@dataclass(frozen=True)
class AudioInfo:
    """What ffprobe says about a file's first audio stream."""

    format_name: str
    codec: str
    duration_seconds: float | None


def probe(path: Path) -> AudioInfo:
    """Describe the first audio stream of ``path`` or raise an AudioError."""
    _require_bytes(path)
    cmd = [
        "ffprobe", "-v", "error", *_INPUT_OPTIONS, "-select_streams", "a:0",
        "-show_entries", "stream=codec_name,duration:format=format_name,duration",
        "-of", "json", _input(path),
    ]  # fmt: skip
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=PROBE_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as exc:
        raise UnsupportedAudioError("probing the file took too long") from exc
    if done.returncode != 0:
        raise UnsupportedAudioError(_reason(done.stderr, path))
    found = json.loads(done.stdout or b"{}")
    streams = found.get("streams") or []
    if not streams:
        raise UnsupportedAudioError("no audio stream")
    fmt = found.get("format") or {}
    duration = _seconds(streams[0].get("duration")) or _seconds(fmt.get("duration"))
    return AudioInfo(fmt.get("format_name", "?"), streams[0].get("codec_name", "?"), duration)


def stream_pcm(
    path: Path, *, max_seconds: float | None = None, chunk_bytes: int = CHUNK_BYTES
) -> Iterator[bytes]:
    """Yield ``path`` as 16 kHz mono s16le PCM chunks, refusing audio over ``max_seconds``."""
    info = probe(path)
    if max_seconds is not None and (info.duration_seconds or 0.0) > max_seconds:
        raise AudioTooLongError(info.duration_seconds or 0.0, max_seconds)
    yield from decode_pcm(path, max_seconds=max_seconds, chunk_bytes=chunk_bytes)


def decode_pcm(
    path: Path, *, max_seconds: float | None = None, chunk_bytes: int = CHUNK_BYTES
) -> Iterator[bytes]:
    """Yield PCM chunks without probing, stopping once more than ``max_seconds`` came out."""
    _require_bytes(path)
    # Containers can under-report their length; counting samples is the limit that holds.
    limit = None if max_seconds is None else (max_seconds + LENGTH_SLACK_SECONDS)
    cmd = [
        "ffmpeg", "-nostdin", "-hide_banner", "-v", "error", *_INPUT_OPTIONS, "-i", _input(path),
        "-map", "0:a:0", "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE),
        "-c:a", "pcm_s16le", "-f", "s16le", "pipe:1",
    ]  # fmt: skip
    total = 0
    # stderr goes to a file: a chatty decoder can then never block on a full pipe.
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err)
        assert proc.stdout is not None
        try:
            while chunk := proc.stdout.read(chunk_bytes):
                total += len(chunk)
                if limit is not None and total > limit * BYTES_PER_SECOND:
                    raise AudioTooLongError(total / BYTES_PER_SECOND, max_seconds or 0.0)
                yield chunk
            returncode = proc.wait()
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.stdout.close()
            proc.wait()
        if returncode != 0:
            err.seek(0)
            raise UnsupportedAudioError(_reason(err.read(), path))
    if total < SAMPLE_WIDTH:
        raise EmptyAudioError("no audio samples")


def peak_level(chunk: bytes) -> int:
    """Return the largest absolute sample value in a chunk of s16le PCM."""
    samples = array("h", chunk[: len(chunk) - len(chunk) % SAMPLE_WIDTH])
    if sys.byteorder == "big":
        samples.byteswap()
    if not samples:
        return 0
    return max(max(samples), -min(samples))


def _require_bytes(path: Path) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise UnsupportedAudioError("file not found") from exc
    if not path.is_file():
        raise UnsupportedAudioError("not a regular file")
    if size == 0:
        raise EmptyAudioError("file is empty")


def _input(path: Path) -> str:
    # The file: prefix keeps names like "http:..." or "-x" from being read as URLs or options.
    return f"file:{path.resolve()}"


def _seconds(value: object) -> float | None:
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return seconds if seconds >= 0 else None


_CONTEXT = re.compile(r"\[[^\]]* @ 0x[0-9a-f]+\]\s*")
_PATHLIKE = re.compile(r"(?:^|(?<=[\s'\"(]))(?:file:)?/\S+")
_WHITELIST = re.compile(r"Format not on whitelist '[^']*'")


def _reason(stderr: bytes, path: Path) -> str:
    """Turn ffmpeg's stderr into a short reason that names no file or directory."""
    text = stderr.decode("utf-8", "replace")
    for name in sorted({str(path.resolve()), str(path)}, key=len, reverse=True):
        text = text.replace(f"file:{name}", "input").replace(name, "input")
    lines: list[str] = []
    for raw in text.splitlines():
        line = _WHITELIST.sub("format not allowed", _CONTEXT.sub("", raw))
        line = _PATHLIKE.sub("<path>", line).strip().rstrip(".")
        if line and line not in lines:
            lines.append(line)
    return "; ".join(lines[-3:])[:300] or "ffmpeg could not decode the file"
