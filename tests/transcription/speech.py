"""Make Korean test recordings with espeak-ng and ffmpeg."""

from __future__ import annotations

import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

# espeak-ng's "f2" variant at this speed is the Korean voice the small model follows best.
VOICE = "ko+f2"
SPEED = 185
SENTENCE = "안녕하세요 저는 공원 옆에 사는 주민입니다 놀이터가 위험합니다"
# Phrases a resident might answer with when the consultation offers fixed choices.
PHRASES = [
    "안녕하세요",
    "놀이터 아이들 위험",
    "도서관 자전거",
    "자전거 위험",
    "아이들 도서관",
    "안녕하세요 놀이터",
]
PHRASE_GAP_SECONDS = 1.0
# Encoder settings for the ways recordings arrive: phone line, MP3 upload, Telegram voice note.
FORMATS = {
    "phone.wav": ["-ar", "8000", "-ac", "1", "-c:a", "pcm_s16le"],
    "upload.mp3": ["-ac", "1", "-b:a", "32k"],
    "voice.ogg": ["-ac", "1", "-c:a", "libopus", "-b:a", "16k"],
}


@dataclass(frozen=True)
class Recording:
    """One synthesised utterance in every delivery format, with its true length."""

    files: dict[str, Path]
    seconds: float


def speak(text: str, out: Path) -> None:
    """Synthesise Korean ``text`` into the WAV file ``out``."""
    subprocess.run(
        ["espeak-ng", "-v", VOICE, "-s", str(SPEED), "-w", str(out), text],
        check=True,
        capture_output=True,
    )


def encode(source: Path, out: Path, options: list[str]) -> Path:
    """Convert ``source`` with ffmpeg into ``out`` using ``options``."""
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(source), *options, str(out)],
        check=True,
        capture_output=True,
    )
    return out


def said_on_phone(text: str, folder: Path) -> Path:
    """Say Korean ``text`` as Twilio records a phone line (8 kHz WAV) into ``folder``."""
    speak(text, folder / f"{text}.wav")
    return encode(folder / f"{text}.wav", folder / f"phone-{text}.wav", ["-ar", "8000"])


def wav_seconds(path: Path) -> float:
    """Return the length of a PCM WAV file."""
    with wave.open(str(path)) as wav:
        return wav.getnframes() / wav.getframerate()


def in_all_formats(source: Path, folder: Path) -> Recording:
    """Encode ``source`` into every delivery format inside ``folder``."""
    files = {name: encode(source, folder / name, opts) for name, opts in FORMATS.items()}
    return Recording(files, wav_seconds(source))
